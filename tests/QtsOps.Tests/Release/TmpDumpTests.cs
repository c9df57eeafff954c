namespace QtsOps.Tests.Release;
[Category("Core")]
public class TmpDumpTests
{
    [Test]
    public void Dump()
    {
        var stack = SwarmStackInputs.Write();
        File.WriteAllText("/tmp/swarm-stack.yml", stack.Text);
        File.WriteAllText("/tmp/edge-nginx.conf", stack.Files["edge-nginx.conf"]);
    }
}
