using QtsOps.Core.Testing;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class TestShardsTests
{
    [Test]
    public void Without_a_filter_the_lab_fixtures_run_in_one_process_and_every_other_test_in_the_other()
    {
        Assert.That(TestShards.For(null).Select(s => (s.Name, s.Filter, s.TrxFileName)), Is.EqualTo(new[]
        {
            ("main", "TestCategory!=Lab", "tests-main.trx"),
            ("lab", "TestCategory=Lab", "tests-lab.trx"),
        }));
        Assert.That(TestShards.For(" ").Select(s => s.Filter), Is.EqualTo(new[] { "TestCategory!=Lab", "TestCategory=Lab" }), "a blank filter is no filter");
    }

    [Test]
    public void A_filter_is_kept_whole_in_each_process_so_an_alternative_is_not_split_by_the_category()
    {
        Assert.That(TestShards.For("FullyQualifiedName~Fleet|TestCategory=Core").Select(s => s.Filter), Is.EqualTo(new[]
        {
            "(FullyQualifiedName~Fleet|TestCategory=Core)&TestCategory!=Lab",
            "(FullyQualifiedName~Fleet|TestCategory=Core)&TestCategory=Lab",
        }));
    }
}
