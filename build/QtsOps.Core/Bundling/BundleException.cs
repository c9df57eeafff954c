namespace QtsOps.Core.Bundling;

/// <summary>A release bundle that cannot be read or written as it is; the message names the file and the fix.</summary>
public sealed class BundleException(string message) : Exception(message);
