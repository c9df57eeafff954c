namespace QtsOps.Tests.Support;

public static class TcpConnections
{
    /// <summary>Whether the other end closed the connection (end of stream or reset) before <paramref name="giveUp"/>.</summary>
    public static async Task<bool> ClosedByPeer(Stream connection, CancellationToken giveUp)
    {
        var buffer = new byte[4096];
        try
        {
            while (await connection.ReadAsync(buffer, giveUp) > 0) { }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
