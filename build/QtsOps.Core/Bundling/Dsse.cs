using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QtsOps.Core.Bundling;

/// <summary>One signature of a DSSE envelope: here an SSH signature (ssh-keygen -Y sign, armored) over the envelope's PAE.</summary>
public sealed record DsseSignature([property: JsonPropertyName("keyid")] string KeyId, [property: JsonPropertyName("sig")] string Sig);

/// <summary>
/// A DSSE envelope (https://github.com/secure-systems-lab/dsse): the payload, its type, and signatures
/// over the pre-authentication encoding <see cref="Pae"/>, so what is signed is exactly what is read.
/// </summary>
public sealed record DsseEnvelope(
    [property: JsonPropertyName("payloadType")] string PayloadType,
    [property: JsonPropertyName("payload")] string Payload,
    [property: JsonPropertyName("signatures")] IReadOnlyList<DsseSignature> Signatures)
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static DsseEnvelope Unsigned(string payloadType, byte[] payload) => new(payloadType, Convert.ToBase64String(payload), []);

    /// <summary>The payload decoded; not a field of the envelope (DSSE's are payloadType, payload and signatures).</summary>
    [JsonIgnore]
    public byte[] PayloadBytes => Convert.FromBase64String(Payload);

    /// <summary>PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes, decimal.</summary>
    public byte[] Pae()
    {
        var body = PayloadBytes;
        var type = Encoding.UTF8.GetBytes(PayloadType);
        return [.. Encoding.UTF8.GetBytes($"DSSEv1 {type.Length} "), .. type, .. Encoding.UTF8.GetBytes($" {body.Length} "), .. body];
    }

    public DsseEnvelope WithSignature(string keyId, string armoredSshSignature) =>
        this with { Signatures = [.. Signatures, new DsseSignature(keyId, Convert.ToBase64String(Encoding.UTF8.GetBytes(armoredSshSignature)))] };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public static DsseEnvelope Read(string path)
    {
        try
        {
            if (JsonSerializer.Deserialize<DsseEnvelope>(File.ReadAllText(path), Json) is not { Payload.Length: > 0, PayloadType.Length: > 0 } envelope)
                throw new BundleException($"{path}: not a DSSE envelope (payloadType and payload are required). Fix: rebuild the bundle (./build.sh --target=bundle).");
            _ = envelope.PayloadBytes;
            return envelope with { Signatures = envelope.Signatures ?? [] };
        }
        catch (JsonException exception)
        {
            throw new BundleException($"{path}:{(exception.LineNumber ?? 0) + 1}: not valid JSON ({exception.Message}). Fix: rebuild the bundle (./build.sh --target=bundle).");
        }
        catch (FormatException)
        {
            throw new BundleException($"{path}: its payload is not base64. Fix: rebuild the bundle (./build.sh --target=bundle).");
        }
    }
}
