namespace QtsOps.Build;

/// <summary>A failure the user can act on: the message says what is wrong and how to fix it.</summary>
public sealed class PipelineException(string message) : Exception(message);
