using System.Net.Sockets;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Transactions;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Benchmarks;

/// <summary>
/// One pgbench -S transaction in transaction pooling mode — Query out; RowDescription, DataRow,
/// CommandComplete, ReadyForQuery 'I' back — over real loopback sockets. It is the exchange
/// <see cref="RelayBenchmarks"/> measures in session mode, and the benchmarks pair up with its
/// (run both classes in one session and compare; the session ones are not repeated here):
/// <list type="bullet">
/// <item><see cref="ServerPump"/> ↔ <c>RelayBenchmarks.ServerToClientPump</c>: the reply path
/// alone. Per transaction the Query's <see cref="PendingRequest"/> is queued on the link as the
/// client pump would queue it, the Query goes straight onto the gateway's server socket, and
/// <see cref="TransactionServerPump.RunAsync"/> runs from its first read to the ReadyForQuery that
/// gives the server up (<see cref="ServerEnd.Released"/>). What this adds over session mode: the
/// link's lock and queue, and one pump run (a pooled state machine) per transaction.</item>
/// <item><see cref="BothPumps"/> ↔ <c>RelayBenchmarks.BothPumps</c>: the whole transaction-mode
/// relay. The client pump runs for the session; for each transaction its attach does what
/// TransactionRelay's does — wait for the previous link to finish, take the server from a real
/// <see cref="PoolSet"/> (pool size 1, one client: completes synchronously), end its idle watch,
/// start a server pump —
/// and the link gives the server back with <see cref="PoolSet.Release"/> at the ReadyForQuery. A
/// real pool rather than a fake one, because taking and giving back a server is part of every
/// transaction's cost; PoolCheckoutBenchmarks has it on its own.</item>
/// </list>
/// Left out, as in the gateway's steady state: the settings query (the client asks for no
/// settings of its own, so every server already matches it), the idle check (only for servers idle
/// over 30 s) and timeouts (none configured by default). The client blocks on its socket, so the
/// allocations measured are the gateway's (MemoryDiagnoser counts every thread); the goal is 0 B.
/// <para>
/// Read Allocated with the threads in mind: a link's pooled state machines (the server pump's
/// RunAsync and PumpAsync, the server reader's ReadAsync) are rented on the thread that starts the
/// link and returned on the one that finishes it, and the pool keeps one per thread and one per
/// core, so a link started on one thread and finished on another may allocate them anew.
/// <see cref="ServerPump"/> always starts on the benchmark's thread; <see cref="BothPumps"/> starts
/// where the client's read completed, as the gateway does — run it also with the gateway's inline
/// socket completions (bench/README.md) to see the gateway's threading.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class TransactionRelayBenchmarks : ILinkOwner
{
    /// <summary>What a client that sets nothing expects: any server matches it.</summary>
    private static readonly ParameterSet NoSettings = new(new Dictionary<string, string>(), new Dictionary<string, string?>());

    private readonly byte[] _reply = new byte[PgbenchMessages.ReplySize];
    private readonly LoopbackRig _rig = new();
    private Socket _client = null!;
    private TransactionLink _link = null!;
    private TransactionServerPump _serverPump = null!;

    // ServerPump: the one server, fed directly.
    private ServerConnection _server = null!;

    // BothPumps: the pool the client pump's attach takes from, and the link running now.
    private PoolSet _pools = null!;
    private Pool _pool = null!;
    private readonly ClientSlot _slot = new();
    private PgTransport _gatewayClientSide = null!;
    private ValueTask? _linkTask;

    [GlobalSetup(Target = nameof(ServerPump))]
    public void SetupServerPump()
    {
        (_client, var gatewayClientSide) = _rig.Pair();
        _server = _rig.StandInServerConnection();
        _link = LinkFor(_server.Pool);
        _serverPump = new TransactionServerPump(_rig.Transport(gatewayClientSide), _link, new RelayStop());
    }

    /// <summary>Reply path only: server socket → link's queue → header scan → client socket, one pump run.</summary>
    [Benchmark]
    public void ServerPump()
    {
        lock (_link.Sync)
        {
            // What AttachAsync and the client pump's scan leave on the link before the Query is sent.
            _link.Server = _server;
            _link.Pending.Enqueue(new PendingRequest(FrontendMessage.Query, ResponseAction.Forward));
        }
        // Started before the Query is sent, as AttachAsync starts the link before the client pump forwards.
        var run = _serverPump.RunAsync(_server);
        Loopback.RoundTrip(_server.Transport!.Socket, _client, PgbenchMessages.Query, _reply);
        // The pump returns just after its last send; the client may see the bytes a moment before.
        // Spinning (never sleeping) keeps the benchmark's own wait allocation-free and short.
        var spin = new SpinWait();
        while (!run.IsCompleted)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        if (run.Result is var end and not ServerEnd.Released)
        {
            throw new InvalidOperationException($"the link ended {end}, expected Released");
        }
    }

    [GlobalSetup(Target = nameof(BothPumps))]
    public void SetupBothPumps()
    {
        (_client, var gatewayClientSide) = _rig.Pair();
        _gatewayClientSide = _rig.Transport(gatewayClientSide);
        (_pools, _pool) = SeededPools.WithOneIdleServer(new PoolGuardConfig { DefaultPoolSize = 1 }, _rig.Transport(_rig.StandInServer(), isServer: true));
        _link = LinkFor(_pool);
        _serverPump = new TransactionServerPump(_gatewayClientSide, _link, new RelayStop());
        var clientPump = new TransactionClientPump(_gatewayClientSide, _link, new RelayStop(), this);
        _rig.Run(RunClientPumpAsync(clientPump));
    }

    /// <summary>The whole transaction-mode relay: client → attach (pool) → server → link release → client.</summary>
    [Benchmark]
    public void BothPumps() => Loopback.RoundTrip(_client, _client, PgbenchMessages.Query, _reply);

    [GlobalCleanup]
    public void Cleanup() => _rig.Close();

    private static TransactionLink LinkFor(Pool pool) =>
        new(pool, NoSettings, statementMode: false, new PoolGuardConfig().MaxPreparedStatements);

    /// <summary>Closes the client's socket however the pump ends, so a failure fails the round trip instead of hanging it.</summary>
    private async Task RunClientPumpAsync(TransactionClientPump pump)
    {
        try
        {
            await pump.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _gatewayClientSide.Close();
        }
    }

    ValueTask ILinkOwner.AnswerAsync(ReadOnlyMemory<byte> reply) =>
        throw new InvalidOperationException("a Query needs a server; nothing here is answered by the gateway itself");

    ValueTask<ServerConnection> ILinkOwner.AttachAsync() => AttachAsync();

    /// <summary>TransactionRelay.AttachAsync, without the session around it.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ServerConnection> AttachAsync()
    {
        if (_linkTask is { } previous)
        {
            _linkTask = null;
            await previous.ConfigureAwait(false);
        }
        var server = await _pools.AcquireAsync(_pool, _slot, CancellationToken.None).ConfigureAwait(false);
        // As ServerLease does: the release left a read waiting on the idle server (ServerIdleWatch);
        // ending it hands that read on to the server pump. Skipped, the pump's read finds the
        // watch's and fails, and the link ends Disconnected.
        if (!await server.IdleWatch.EndAsync().ConfigureAwait(false))
        {
            throw new InvalidOperationException("the stand-in server spoke while idle");
        }
        lock (_link.Sync)
        {
            _link.Server = server;
            _link.Pending.Clear();
            _link.Unsynced = false;
            _link.SkipUntilSync = false;
            _link.ClientMidMessage = false;
        }
        _linkTask = RunLinkAsync(server);
        return server;
    }

    /// <summary>TransactionRelay.RunLinkAsync's clean path: the transaction ended, the server goes back.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RunLinkAsync(ServerConnection server)
    {
        var end = await _serverPump.RunAsync(server).ConfigureAwait(false);
        lock (_link.Sync)
        {
            if (_link.Server == server)
            {
                _link.Server = null;
            }
        }
        if (end != ServerEnd.Released)
        {
            // Not what a pgbench -S transaction does: make the benchmark's round trip fail.
            _gatewayClientSide.Close();
            return;
        }
        _pools.Release(server);
    }
}
