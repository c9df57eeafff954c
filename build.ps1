#!/usr/bin/env pwsh
# Runs the QtsOps pipeline: ./build.ps1 [--target=NAME ...] [--env=local|staging|prod] [...]
# The twin of build.sh: same inputs hash and stamp (switching between the two never
# rebuilds), same build lock, same arguments and exit codes.
$ErrorActionPreference = 'Stop'
$Root = $PSScriptRoot
$HostDir = Join-Path $Root '.qtsops/host'
$BinDir = Join-Path $HostDir 'bin'
$Program = Join-Path $BinDir ($IsWindows ? 'QtsOps.Build.exe' : 'QtsOps.Build')
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

function Write-Message([string] $Text) { [Console]::Error.WriteLine("build.ps1: $Text") }

# build.sh's hash, byte for byte: `sha256sum` of the `sha256sum` lines ("HASH  PATH\n") of the
# inputs, in byte order of their paths (LC_ALL=C sort).
function Get-InputsHash {
    [string[]] $paths = @(Get-ChildItem -Path (Join-Path $Root 'build') -Recurse -File -Force |
        ForEach-Object { [IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/') } |
        Where-Object { $_ -cmatch '\.(cs|csproj|props|targets|json)$' -and $_ -notmatch '/(bin|obj)/' }) +
        @('global.json', 'Directory.Build.props')
    [Array]::Sort($paths, [StringComparer]::Ordinal)
    $lines = foreach ($path in $paths) {
        '{0}  {1}{2}' -f (Get-FileHash (Join-Path $Root $path) -Algorithm SHA256).Hash.ToLowerInvariant(), $path, "`n"
    }
    $bytes = [Text.Encoding]::UTF8.GetBytes(-join $lines)
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

    Write-Message 'no .NET SDK on PATH satisfies global.json; installing it into .dotnet/'
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

# build.sh's build lock: .NET takes an exclusive flock(2) on a file opened without sharing, as
# flock(1) does, so either script waits for the other's build.
function Wait-BuildLock {
    while ($true) {
        try { return [IO.File]::Open((Join-Path $HostDir 'build.lock'), 'OpenOrCreate', 'ReadWrite', 'None') }
        catch [IO.IOException] { Start-Sleep -Milliseconds 200 }
    }
}

$hash = Get-InputsHash
$stamp = Join-Path $HostDir 'inputs.sha256'
function Test-Built { (Test-Path $Program) -and ((Get-Content $stamp -ErrorAction SilentlyContinue) -eq $hash) }
if (-not (Test-Built)) {
    $dotnet = Find-Dotnet
    New-Item -ItemType Directory -Force $HostDir | Out-Null
    # One build at a time: concurrent runs wait for the first build, then reuse it.
    $lock = Wait-BuildLock
    try {
        if (-not (Test-Built)) {
            Write-Message 'building the pipeline (inputs changed)'
            Remove-Item $stamp -ErrorAction SilentlyContinue
            $log = & $dotnet publish (Join-Path $Root 'build/QtsOps.Build/QtsOps.Build.csproj') -c Release --use-current-runtime -o $BinDir -nologo -clp:ErrorsOnly 2>&1
            if ($LASTEXITCODE -ne 0) { $log | Write-Host; Write-Error 'build.ps1: the pipeline does not compile (see above).' }
            [IO.File]::WriteAllText($stamp, "$hash`n")
            [IO.File]::WriteAllText((Join-Path $HostDir 'dotnet-root'), "$(Split-Path $dotnet)`n")
        }
    } finally { $lock.Dispose() }
}

# The built program finds the runtime of the SDK that built it (matters for a .dotnet/ install).
$dotnetRoot = Get-Content (Join-Path $HostDir 'dotnet-root') -ErrorAction SilentlyContinue
if ($dotnetRoot -and (Test-Path (Join-Path $dotnetRoot 'shared'))) { $env:DOTNET_ROOT = $dotnetRoot }
Set-Location $Root
& $Program @args
exit $LASTEXITCODE
