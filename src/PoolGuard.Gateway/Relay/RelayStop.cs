namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Asks a pump to stop at its next read. Set the flag, then cancel the pending read: a cancelled
/// read with the flag unset is spurious (a cancel aimed at an earlier read) and is ignored.
/// </summary>
internal sealed class RelayStop
{
    private volatile bool _requested;

    public bool IsRequested => _requested;

    public void Request(System.IO.Pipelines.PipeReader reader)
    {
        _requested = true;
        reader.CancelPendingRead();
    }
}
