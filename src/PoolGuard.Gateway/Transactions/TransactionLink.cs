using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// What a transaction-pooled client's two directions share: the server it is linked to right now
/// (none between transactions), the requests that server still owes answers for, the client's
/// prepared statements and session settings. One lock guards it all; it is held only while a read
/// is scanned or an answer is matched, never across I/O. The server is given back only when the
/// queue is empty, the last ReadyForQuery said 'I', and the client is not half-way through a
/// message or an unsynced extended batch — all checked under the lock, so the client direction can
/// never send into a server that was just released.
/// </summary>
internal sealed class TransactionLink(Pool pool, ParameterSet desired, bool statementMode, int maxPreparedStatements)
{
    public Lock Sync { get; } = new();

    public Pool Pool { get; } = pool;

    /// <summary>Statement pooling: a transaction block is refused and rolled back.</summary>
    public bool StatementMode { get; } = statementMode;

    /// <summary>Per-server cap on prepared statements; 0 turns statement tracking off.</summary>
    public int MaxPreparedStatements { get; } = maxPreparedStatements;

    /// <summary>The linked server; null between transactions.</summary>
    public ServerConnection? Server { get; set; }

    public RequestQueue Pending { get; } = new();

    /// <summary>Extended-protocol messages sent since the last Sync: the batch must stay on its server.</summary>
    public bool Unsynced { get; set; }

    /// <summary>The client direction stopped inside a message: its rest must go to the same server.</summary>
    public bool ClientMidMessage { get; set; }

    /// <summary>An error ended an extended batch before its Sync was sent: the server ignores
    /// everything up to that Sync, so nothing before it may wait for an answer.</summary>
    public bool SkipUntilSync { get; set; }

    /// <summary>The client's named prepared statements; null when tracking is off.</summary>
    public ClientStatements? Statements { get; } = maxPreparedStatements > 0 ? new ClientStatements(pool.StatementUsers) : null;

    /// <summary>Session settings the client expects on every server it lands on.</summary>
    public ParameterSet Desired { get; set; } = desired;

    /// <summary>The settings the client logged in with: what DISCARD ALL, RESET ALL or RESET brings back.</summary>
    public ParameterSet Startup { get; } = desired;

    /// <summary>A reset the client pump did not see changed settings: they are set before the client's next message.</summary>
    public bool ResyncRequested { get; set; }

    /// <summary>DISCARD ALL / DEALLOCATE ALL queries whose statements the client pump already forgot; the server pump skips that many.</summary>
    public int StatementResetsHandled { get; set; }

    /// <summary>The session's query/idle deadlines; null when none is configured.</summary>
    public Timeouts.SessionTimeouts? Timeouts { get; init; }

    /// <summary>The first SET outside a transaction earns the client a warning; later ones do not.</summary>
    public bool WarnedAboutSet { get; set; }

    private TaskCompletionSource? _drained;

    /// <summary>Completes when the linked server owes no more answers (or at once when none is linked).</summary>
    public Task WhenDrainedAsync()
    {
        lock (Sync)
        {
            if (Server is null || Pending.Count == 0)
            {
                return Task.CompletedTask;
            }
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>
    /// A setting PostgreSQL reported while resetting (DISCARD ALL, RESET): the client expects its
    /// startup value back, as PostgreSQL would restore it; when the reset left another, the server is
    /// set again before the client's next message.
    /// </summary>
    public void NoteParameterReset(string name, string value)
    {
        var wanted = Startup.Reported.TryGetValue(name, out var atStartup) ? atStartup : value;
        if (!Desired.Reported.TryGetValue(name, out var current) || current != wanted)
        {
            Desired = Pool.Parameters.Intern(Desired.With(name, wanted));
        }
        ResyncRequested |= wanted != value;
    }

    /// <summary>Called under <see cref="Sync"/> whenever the queue empties.</summary>
    public void NoteDrained()
    {
        _drained?.TrySetResult();
        _drained = null;
    }

    /// <summary>
    /// A setting the server reported during the client's own work becomes what the client expects
    /// on every later server: a SET of application_name, or `BEGIN; SET default_transaction_read_only
    /// TO on; COMMIT`, which lasts for the session. Other clients' servers are set back (SettingsSync).
    /// </summary>
    public void NoteParameterChanged(string name, string value)
    {
        var tracked = Desired.Reported.TryGetValue(name, out var current);
        if ((tracked && current != value) || (!tracked && ReportedSettings.IsSessionSetting(name)
            && (Pool.Parameters.Defaults?.TryGetValue(name, out var fresh) != true || fresh != value)))
        {
            Desired = Pool.Parameters.Intern(Desired.With(name, value));
        }
    }
}
