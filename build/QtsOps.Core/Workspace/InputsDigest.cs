using System.Security.Cryptography;
using System.Text;

namespace QtsOps.Core.Workspace;

/// <summary>The key of a kept result (a no-change plan, a clean fmt check): it stands while this digest of its inputs is unchanged.</summary>
public static class InputsDigest
{
    /// <summary>SHA-256 over every input, one "name=value" line each in name order: any changed value changes it.</summary>
    public static string Of(IReadOnlyDictionary<string, string> inputs)
    {
        var lines = inputs.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}={i.Value}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(lines))));
    }
}
