using QtsOps.Core.Images;

namespace QtsOps.Tests.Core;

/// <summary>What a bootstrapped image's name takes from a suite's Release file: its package index's digest, from a file still valid.</summary>
[Category("Core")]
public class DebianReleaseTests
{
    private const string Where = "http://deb.debian.org/debian-security/dists/bookworm-security/InRelease";
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T06:00:00Z");

    // The head of bookworm-security's Release file of 4 December 2026, with two of its SHA256 lines.
    private const string Release = """
        Origin: Debian
        Label: Debian-Security
        Suite: oldstable-security
        Codename: bookworm-security
        Date: Fri, 04 Dec 2026 03:54:28 UTC
        Valid-Until: Fri, 11 Dec 2026 03:54:28 UTC
        Architectures: amd64 arm64 armhf i386 ppc64el
        SHA256:
         ad206cc35f8ebce11a56c9782b85d0d416809fd435c181426bd35e952c1e0d1a  2582634 main/binary-amd64/Packages
         d71a5571c76e3842b3bc8f36fcfff386132919e98203ccfc88535766bfb63e7c   385992 main/binary-amd64/Packages.xz
         1111111111111111111111111111111111111111111111111111111111111111   385000 main/binary-arm64/Packages.xz
        """;

    [Test]
    public void The_digest_is_the_compressed_package_index_of_main_for_the_architecture()
    {
        Assert.That(DebianRelease.PackagesDigest(Release, "amd64", Now, Where), Is.EqualTo("d71a5571c76e3842b3bc8f36fcfff386132919e98203ccfc88535766bfb63e7c"));
        Assert.That(DebianRelease.PackagesDigest(Release, "arm64", Now, Where), Is.EqualTo(new string('1', 64)));
    }

    [Test]
    public void A_release_file_past_its_valid_until_is_refused_as_an_old_copy()
    {
        var error = Assert.Throws<InvalidDataException>(() => DebianRelease.PackagesDigest(Release, "amd64", DateTimeOffset.Parse("2026-12-12T00:00:00Z"), Where))!;

        Assert.That(error.Message, Does.StartWith(Where).And.Contain("expired (Valid-Until: Fri, 11 Dec 2026 03:54:28 UTC)").And.Contain("--debian-security-mirror"));
    }

    [Test]
    public void A_release_file_without_the_architectures_index_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => DebianRelease.PackagesDigest(Release, "i386", Now, Where))!;

        Assert.That(error.Message, Is.EqualTo($"{Where} lists no SHA256 of main/binary-i386/Packages.xz: it is not the Release file of a Debian suite with i386 packages."));
    }

    [Test]
    public void The_suites_state_changes_with_any_of_their_indexes_and_their_order()
    {
        var state = DebianRelease.State(["a1", "b2", "c3"]);

        Assert.That(state, Does.Match("^[0-9a-f]{12}$"));
        Assert.That(DebianRelease.State(["a1", "b2", "c3"]), Is.EqualTo(state));
        Assert.That(DebianRelease.State(["a1", "b2", "c4"]), Is.Not.EqualTo(state), "a new security update");
        Assert.That(DebianRelease.State(["b2", "a1", "c3"]), Is.Not.EqualTo(state));
    }

    [Test]
    public void A_valid_until_that_is_not_a_date_as_debian_writes_it_is_refused()
    {
        var release = Release.Replace("Valid-Until: Fri, 11 Dec 2026 03:54:28 UTC", "Valid-Until: 2026-12-11");

        var error = Assert.Throws<InvalidDataException>(() => DebianRelease.PackagesDigest(release, "amd64", Now, Where))!;

        Assert.That(error.Message, Is.EqualTo($"{Where}: 'Valid-Until: 2026-12-11' is not a date as Debian writes it (Fri, 11 Dec 2026 03:54:28 UTC)."));
    }

    [TestCase(System.Runtime.InteropServices.Architecture.X64, "amd64")]
    [TestCase(System.Runtime.InteropServices.Architecture.Arm64, "arm64")]
    [TestCase(System.Runtime.InteropServices.Architecture.X86, "i386")]
    [TestCase(System.Runtime.InteropServices.Architecture.Arm, "armhf")]
    public void The_machine_s_architecture_has_dpkg_s_name(System.Runtime.InteropServices.Architecture architecture, string debian) =>
        Assert.That(DebianRelease.Architecture(architecture), Is.EqualTo(debian));

    [Test]
    public void An_architecture_debian_has_no_name_for_here_is_refused_by_name()
    {
        var error = Assert.Throws<PlatformNotSupportedException>(() => DebianRelease.Architecture(System.Runtime.InteropServices.Architecture.S390x))!;

        Assert.That(error.Message, Is.EqualTo("No Debian architecture for S390x."));
    }

    [Test]
    public void A_release_file_valid_until_this_very_second_or_without_valid_until_is_taken()
    {
        const string digest = "d71a5571c76e3842b3bc8f36fcfff386132919e98203ccfc88535766bfb63e7c";

        Assert.That(DebianRelease.PackagesDigest(Release, "amd64", DateTimeOffset.Parse("2026-12-11T03:54:28Z"), Where), Is.EqualTo(digest));
        Assert.That(() => DebianRelease.PackagesDigest(Release, "amd64", DateTimeOffset.Parse("2026-12-11T03:54:29Z"), Where), Throws.TypeOf<InvalidDataException>());
        Assert.That(DebianRelease.PackagesDigest(Release.Replace("Valid-Until: Fri, 11 Dec 2026 03:54:28 UTC\n", ""), "amd64", Now, Where), Is.EqualTo(digest),
            "a suite that does not expire (a release's main suite)");
    }

    [Test]
    public void The_suites_state_keeps_each_digest_separate_so_moving_a_character_changes_it()
    {
        Assert.That(DebianRelease.State(["a1", "b2"]), Is.Not.EqualTo(DebianRelease.State(["a1b", "2"])));
    }
}
