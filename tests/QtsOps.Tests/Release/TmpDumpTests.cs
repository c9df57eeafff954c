namespace QtsOps.Tests.Release;
[Category("Core")]
public class TmpDumpTests
{
    [Test]
    public void Dump() => File.WriteAllText(Environment.GetEnvironmentVariable("DUMP_TO") ?? "/tmp/nginx-dump.txt", new QtsOps.Release.Deployment.SlotLayout("qts-observer", "qts-observer").ConfigFiles["nginx.conf"]);
}
