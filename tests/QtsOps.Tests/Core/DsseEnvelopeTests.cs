using System.Text;
using QtsOps.Core.Bundling;

namespace QtsOps.Tests.Core;

/// <summary>A DSSE envelope read from a bundle: refused with the file named when it is not JSON, lacks its payload or type, or its payload is not base64.</summary>
[Category("Core")]
public class DsseEnvelopeTests
{
    private const string Fix = "Fix: rebuild the bundle (./build.sh --target=bundle).";

    [Test]
    public void An_envelope_reads_back_with_its_signatures_and_without_any_as_none()
    {
        using var directory = new TempDirectory();
        var signed = DsseEnvelope.Unsigned(DsseEnvelope.InTotoPayloadType, Encoding.UTF8.GetBytes("{}")).WithSignature("key-1", "-----BEGIN SSH SIGNATURE-----");
        var unsigned = directory.Write("unsigned.dsse.json", """{"payloadType": "t", "payload": "e30="}""");

        var read = DsseEnvelope.Read(directory.Write("provenance.dsse.json", signed.ToJson()));

        Assert.That(read.Signatures, Is.EqualTo(signed.Signatures));
        Assert.That(read.Pae(), Is.EqualTo(signed.Pae()));
        Assert.That(DsseEnvelope.Read(unsigned).Signatures, Is.Empty);
        Assert.That(Encoding.UTF8.GetString(DsseEnvelope.Read(unsigned).Pae()), Is.EqualTo("DSSEv1 1 t 2 {}"));
    }

    [Test]
    public void An_envelope_is_written_as_indented_json_of_dsse_s_three_fields_ending_in_a_newline() =>
        Assert.That(DsseEnvelope.Unsigned("t", Encoding.UTF8.GetBytes("{}")).WithSignature("key-1", "sig").ToJson(), Is.EqualTo(
            "{\n  \"payloadType\": \"t\",\n  \"payload\": \"e30=\",\n  \"signatures\": [\n    {\n      \"keyid\": \"key-1\",\n      \"sig\": \"c2ln\"\n    }\n  ]\n}\n"));

    [TestCase("""{"payload": "e30="}""", TestName = "An_envelope_without_a_payload_type_is_refused")]
    [TestCase("""{"payloadType": "t"}""", TestName = "An_envelope_without_a_payload_is_refused")]
    [TestCase("""{"payloadType": "", "payload": "e30="}""", TestName = "An_envelope_with_an_empty_payload_type_is_refused")]
    [TestCase("""{"payloadType": "t", "payload": ""}""", TestName = "An_envelope_with_an_empty_payload_is_refused")]
    [TestCase("null", TestName = "An_envelope_of_null_is_refused")]
    public void An_envelope_without_its_payload_and_type_is_refused(string json)
    {
        using var directory = new TempDirectory();
        var path = directory.Write("provenance.dsse.json", json);

        var error = Assert.Throws<BundleException>(() => DsseEnvelope.Read(path))!;

        Assert.That(error.Message, Is.EqualTo($"{path}: not a DSSE envelope (payloadType and payload are required). {Fix}"));
    }

    [Test]
    public void An_envelope_that_is_not_json_is_refused_at_its_line()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("provenance.dsse.json", "{\n  \"payloadType\": \"t\",\n  \"payload\": }\n");

        var error = Assert.Throws<BundleException>(() => DsseEnvelope.Read(path))!;

        Assert.That(error.Message, Does.StartWith($"{path}:3: not valid JSON (").And.EndWith($"). {Fix}"));
    }

    [Test]
    public void An_envelope_whose_payload_is_not_base64_is_refused()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("provenance.dsse.json", """{"payloadType": "t", "payload": "not base64!"}""");

        var error = Assert.Throws<BundleException>(() => DsseEnvelope.Read(path))!;

        Assert.That(error.Message, Is.EqualTo($"{path}: its payload is not base64. {Fix}"));
    }
}
