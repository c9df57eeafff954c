#!/usr/bin/env pwsh
# Runs the QtsOps pipeline: ./build.ps1 [--target=NAME ...] [--env=local|staging|prod] [...]
# Same behaviour as build.sh: build the pipeline once, then run the built program directly
# while its inputs (hashed) are unchanged.
$ErrorActionPreference = 'Stop'
$Root = $PSScriptRoot
$HostDir = Join-Path $Root '.qtsops/host'
$BinDir = Join-Path $HostDir 'bin'
$Program = Join-Path $BinDir ($IsWindows ? 'QtsOps.Build.exe' : 'QtsOps.Build')
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

function Get-InputsHash {
    $files = @(Get-ChildItem -Path (Join-Path $Root 'build') -Recurse -File -Include *.cs, *.csproj, *.props, *.targets, *.json |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) +
        @(Get-Item (Join-Path $Root 'global.json'), (Join-Path $Root 'Directory.Build.props'))
    $lines = $files | Sort-Object { [IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/') } -CaseSensitive | ForEach-Object {
        '{0}  {1}' -f (Get-FileHash $_.FullName -Algorithm SHA256).Hash.ToLowerInvariant(), [IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/')
    }
    $bytes = [Text.Encoding]::UTF8.GetBytes(($lines -join "`n"))
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
}

function Find-Dotnet {
    Push-Location $Root
    try {
        $onPath = Get-Command dotnet -ErrorAction SilentlyContinue
        if ($onPath) { & $onPath.Source --version *> $null; if ($LASTEXITCODE -eq 0) { return $onPath.Source } }
        $local = Join-Path $Root ($IsWindows ? '.dotnet/dotnet.exe' : '.dotnet/dotnet')
        if (Test-Path $local) { & $local --version *> $null; if ($LASTEXITCODE -eq 0) { return $local } }
    } finally { Pop-Location }

    Write-Host 'build.ps1: no .NET SDK on PATH satisfies global.json; installing it into .dotnet/'
    $installDir = Join-Path $Root '.dotnet'
    New-Item -ItemType Directory -Force $installDir | Out-Null
    $script = Join-Path $installDir 'dotnet-install.ps1'
    try { Invoke-WebRequest -Uri 'https://dot.net/v1/dotnet-install.ps1' -OutFile $script -UseBasicParsing }
    catch {
        Write-Error "build.ps1: could not download Microsoft's dotnet-install script (no network?). Install the .NET SDK named in global.json yourself and put 'dotnet' on PATH, then run again."
    }
    & $script -JSonFile (Join-Path $Root 'global.json') -InstallDir $installDir
    if ($LASTEXITCODE -ne 0) { Write-Error 'build.ps1: dotnet-install could not install the SDK named in global.json (see above).' }
    return $local
}

$hash = Get-InputsHash
$stamp = Join-Path $HostDir 'inputs.sha256'
if (-not (Test-Path $Program) -or ((Get-Content $stamp -ErrorAction SilentlyContinue) -ne $hash)) {
    $dotnet = Find-Dotnet
    New-Item -ItemType Directory -Force $HostDir | Out-Null
    Remove-Item $stamp -ErrorAction SilentlyContinue
    Write-Host 'build.ps1: building the pipeline (inputs changed)'
    $log = & $dotnet build (Join-Path $Root 'build/QtsOps.Build/QtsOps.Build.csproj') -c Release -o $BinDir -nologo -clp:ErrorsOnly 2>&1
    if ($LASTEXITCODE -ne 0) { $log | Write-Host; Write-Error 'build.ps1: the pipeline does not compile (see above).' }
    Set-Content -Path $stamp -Value $hash
    Set-Content -Path (Join-Path $HostDir 'dotnet-root') -Value (Split-Path $dotnet)
}

$dotnetRoot = Get-Content (Join-Path $HostDir 'dotnet-root') -ErrorAction SilentlyContinue
if ($dotnetRoot -and (Test-Path (Join-Path $dotnetRoot 'shared'))) { $env:DOTNET_ROOT = $dotnetRoot }
Set-Location $Root
& $Program @args
exit $LASTEXITCODE
