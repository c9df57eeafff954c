using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Host;

/// <summary>Base of the pipeline's typed context: every Cake alias works on it.</summary>
public class FrostingContext(ICakeContext context) : ICakeContext
{
    public IFileSystem FileSystem => context.FileSystem;
    public ICakeEnvironment Environment => context.Environment;
    public IGlobber Globber => context.Globber;
    public ICakeLog Log => context.Log;
    public ICakeArguments Arguments => context.Arguments;
    public IProcessRunner ProcessRunner => context.ProcessRunner;
    public IRegistry Registry => context.Registry;
    public IToolLocator Tools => context.Tools;
    public ICakeDataResolver Data => context.Data;
    public ICakeConfiguration Configuration => context.Configuration;
}
