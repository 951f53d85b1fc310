using System.Globalization;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// The relay's promise of no garbage per message, held where it is hardest: ten clients queued per
/// server, so most transactions wait for a server and hundreds of async methods are suspended at
/// once. The gateway runs in this process and pgbench outside it, so the process's allocation count
/// is the gateway's (the integration tests run one at a time).
/// </summary>
public sealed class HotPathGarbageTests(ITestOutputHelper output)
{
    private const int Clients = 50, PoolSize = 5, ShortRun = 100, LongRun = 700;

    [SkippableFact]
    public async Task Transactions_queued_behind_a_busy_pool_allocate_almost_nothing_each()
    {
#if DEBUG
        // A Debug build makes every async state machine a class of its own: garbage by construction.
        Skip.If(true, "measured in Release builds only (./test.sh builds Release)");
#endif
        await using var gateway = GatewayHarness.Start(c => c with
        {
            PoolMode = PoolMode.Transaction,
            DefaultPoolSize = PoolSize,
            MaxClientConn = Clients + 10,
            QueryWaitTimeout = TimeSpan.FromSeconds(20),
        });
        await RunPgbenchAsync(gateway, ShortRun); // warm-up: code compiled, caches filled

        // Logins and process start-up cost the same in both runs; the difference is the transactions.
        var shortRun = await AllocatedDuringAsync(() => RunPgbenchAsync(gateway, ShortRun));
        var longRun = await AllocatedDuringAsync(() => RunPgbenchAsync(gateway, LongRun));
        var perTransaction = (double)(longRun - shortRun) / (Clients * (LongRun - ShortRun));

        output.WriteLine($"{perTransaction:F1} B allocated per transaction");
        // Before async boxes were reused and the socket reader replaced, this was ~600 B.
        Assert.True(perTransaction < 64,
            $"{perTransaction:F0} B allocated per transaction ({shortRun} B for {Clients * ShortRun}, {longRun} B for {Clients * LongRun})");
    }

    private static async Task<long> AllocatedDuringAsync(Func<Task> run)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await run();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static async Task RunPgbenchAsync(GatewayHarness gateway, int transactionsPerClient)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.PgTool("pgbench"),
            ["-n", "-S", "-c", $"{Clients}", "-j", "2", "-t", $"{transactionsPerClient}",
             "-h", "127.0.0.1", "-p", gateway.Port.ToString(CultureInfo.InvariantCulture), "-U", Roles.App, "pgbench"],
            TimeSpan.FromSeconds(60), ProcessRunner.PgEnvironment(Roles.AppPassword));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"number of transactions actually processed: {Clients * transactionsPerClient}/", result.Stdout, StringComparison.Ordinal);
    }
}
