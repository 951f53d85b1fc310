using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using PoolGuard.Monitoring.Watcher;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// The database watcher's sample against the real sandbox PostgreSQL: applications that connect
/// directly (past any gateway), idle transactions, lock waits, long queries, and databases that
/// cannot be reached. The watcher logs in as watch_user (pg_monitor), as a deployment would.
/// </summary>
public sealed class DatabaseSamplerTests : IAsyncLifetime
{
    private static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(5);
    private readonly string _app = $"leaky-{Guid.NewGuid():N}"[..20];
    private readonly List<NpgsqlConnection> _connections = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private static DatabaseSampler Sampler(string? connectionString = null) =>
        new(new WatchTarget("app", connectionString ?? PgSandbox.DirectConnectionString(Roles.Watch, Roles.WatchPassword), WatchOnly: true), StatementTimeout);

    /// <summary>A direct connection as app_user, named as the leaky application.</summary>
    private async Task<NpgsqlConnection> OpenAppAsync()
    {
        var connection = new NpgsqlConnection(PgSandbox.DirectConnectionString(Roles.App, Roles.AppPassword, applicationName: _app));
        _connections.Add(connection);
        await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return connection;
    }

    [SkippableFact]
    public async Task A_sample_counts_an_applications_direct_connections_against_the_usable_capacity()
    {
        PgSandbox.Require();
        for (var i = 0; i < 4; i++)
        {
            await OpenAppAsync();
        }
        await using var sampler = Sampler();

        var sample = await sampler.SampleAsync(CancellationToken.None);

        Assert.Equal(SampleState.Up, sample.State);
        Assert.Null(sample.Error);
        var max = int.Parse(await PgSandbox.ScalarAsync<string>("show max_connections"), System.Globalization.CultureInfo.InvariantCulture);
        var reserved = int.Parse(await PgSandbox.ScalarAsync<string>("show superuser_reserved_connections"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(max, sample.MaxConnections);
        Assert.Equal(max - reserved, sample.UsableConnections);
        Assert.Contains(new ConnectionCount(_app, 4), sample.ByApplication);
        Assert.Contains(sample.ByApplication, c => c is { Key: DatabaseSampler.ApplicationName, Connections: 1 });
        Assert.True(sample.Connections >= 5, $"4 application connections and the watcher's, got {sample.Connections}");
        Assert.Equal(sample.Connections, sample.ByState.Sum(c => c.Connections));
        Assert.Equal(sample.Connections, sample.ByClientAddress.Sum(c => c.Connections));
        Assert.Contains(sample.ByUser, c => c.Key == Roles.App && c.Connections >= 4);
        Assert.Contains(sample.ByClientAddress, c => c.Key == "127.0.0.1" && c.Connections >= 5);
        Assert.Equal(sample.UsableConnections - sample.Connections, sample.Headroom);
        Assert.True(sample.Duration < StatementTimeout, $"one sample took {sample.Duration}");
    }

    [SkippableFact]
    public async Task An_open_transaction_left_idle_is_counted_with_its_age_and_owner()
    {
        PgSandbox.Require();
        var leaky = await OpenAppAsync();
        await using (var begin = new NpgsqlCommand("begin; select 1", leaky))
        {
            await begin.ExecuteNonQueryAsync();
        }
        var pid = leaky.ProcessID;
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await using var sampler = Sampler();

        var sample = await sampler.SampleAsync(CancellationToken.None);

        Assert.True(sample.IdleInTransaction >= 1, $"idle in transaction: {sample.IdleInTransaction}");
        Assert.NotNull(sample.OldestIdleInTransaction);
        Assert.Equal(pid, sample.OldestIdleInTransaction.Pid);
        Assert.Equal(_app, sample.OldestIdleInTransaction.Application);
        Assert.Equal(Roles.App, sample.OldestIdleInTransaction.User);
        Assert.InRange(sample.OldestIdleInTransaction.Seconds, 1.0, 60);
    }

    [SkippableFact]
    public async Task A_session_waiting_on_a_row_lock_is_listed_with_the_pid_that_blocks_it()
    {
        PgSandbox.Require();
        await using var table = await ScratchTable.CreateAsync("id int primary key, n int");
        await SandboxDatabase.ExecuteAsync("app", $"insert into public.{table.Name} values (1, 0)");
        var holder = await OpenAppAsync();
        await using (var hold = new NpgsqlCommand($"begin; select n from public.{table.Name} where id = 1 for update", holder))
        {
            await hold.ExecuteNonQueryAsync();
        }
        var waiter = await OpenAppAsync();
        var waiterPid = waiter.ProcessID;
        await using var update = new NpgsqlCommand($"update public.{table.Name} set n = n + 1 where id = 1", waiter);
        var blocked = update.ExecuteNonQueryAsync();
        await using var sampler = Sampler();

        var sample = await Eventually.AssertAsync(() => sampler.SampleAsync(CancellationToken.None),
            s => s.LockWaits.Any(w => w.Pid == waiterPid), TimeSpan.FromSeconds(10), "the blocked update in the sample's lock waits");

        var wait = Assert.Single(sample.LockWaits, w => w.Pid == waiterPid);
        Assert.Equal([holder.ProcessID], wait.BlockedBy);
        Assert.InRange(wait.Seconds, 0, 30);
        await using (var rollback = new NpgsqlCommand("rollback", holder))
        {
            await rollback.ExecuteNonQueryAsync();
        }
        Assert.Equal(1, await blocked.WaitAsync(TimeSpan.FromSeconds(10)));
        var after = await sampler.SampleAsync(CancellationToken.None);
        Assert.DoesNotContain(after.LockWaits, w => w.Pid == waiterPid);
    }

    [SkippableFact]
    public async Task The_longest_running_query_is_named_by_pid_and_application_and_the_watcher_leaves_itself_out()
    {
        PgSandbox.Require();
        var slow = await OpenAppAsync();
        await using var sleep = new NpgsqlCommand("select pg_sleep(3)", slow);
        var running = sleep.ExecuteNonQueryAsync();
        await using var sampler = Sampler();

        var sample = await Eventually.AssertAsync(() => sampler.SampleAsync(CancellationToken.None),
            s => s.LongestQuery is { Seconds: >= 0.5 }, TimeSpan.FromSeconds(10), "pg_sleep as the longest query");

        Assert.Equal(slow.ProcessID, sample.LongestQuery!.Pid);
        Assert.Equal(_app, sample.LongestQuery.Application);
        Assert.NotEqual(sample.WatcherPid, sample.LongestQuery.Pid);
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [SkippableFact]
    public async Task A_database_nobody_listens_for_or_that_refuses_the_login_is_a_down_sample_with_the_reason()
    {
        PgSandbox.Require();
        var nowhere = new NpgsqlConnectionStringBuilder(PgSandbox.DirectConnectionString(Roles.Watch, Roles.WatchPassword)) { Port = PoolGuardProcess.UnusedPort() };
        await using var unreachable = Sampler(nowhere.ConnectionString);
        await using var refused = Sampler(PgSandbox.DirectConnectionString(Roles.Watch, "not-the-password"));

        var down = await unreachable.SampleAsync(CancellationToken.None);
        var denied = await refused.SampleAsync(CancellationToken.None);

        Assert.Equal(SampleState.Down, down.State);
        Assert.StartsWith("cannot connect:", down.Error);
        Assert.Equal(SampleState.Down, denied.State);
        Assert.StartsWith("28P01:", denied.Error);
        Assert.DoesNotContain("not-the-password", denied.Error);
        Assert.True(down.Duration < TimeSpan.FromSeconds(10) && denied.Duration < TimeSpan.FromSeconds(10), $"{down.Duration}, {denied.Duration}");
    }

    [SkippableFact]
    public async Task A_watcher_whose_connection_is_terminated_reconnects_within_the_next_sample()
    {
        PgSandbox.Require();
        await using var sampler = Sampler();
        var first = await sampler.SampleAsync(CancellationToken.None);
        Assert.Equal(SampleState.Up, first.State);

        Assert.True(await PgSandbox.ScalarAsync<bool>("select pg_terminate_backend($1)", first.WatcherPid));
        await Eventually.AssertAsync(() => PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where pid = $1", first.WatcherPid),
            n => n == 0, TimeSpan.FromSeconds(10), "the terminated watcher backend gone");
        var second = await sampler.SampleAsync(CancellationToken.None);

        Assert.Equal(SampleState.Up, second.State);
        Assert.NotEqual(first.WatcherPid, second.WatcherPid);
    }

    [SkippableFact]
    public async Task Rollbacks_show_in_the_clusters_counters_between_two_samples()
    {
        PgSandbox.Require();
        var app = await OpenAppAsync();
        await using var sampler = Sampler();
        var before = await sampler.SampleAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            await using var rollback = new NpgsqlCommand("begin; select 1; rollback", app);
            await rollback.ExecuteNonQueryAsync();
        }
        // The statistics collector publishes a backend's counters when it goes idle, at most once a second.
        var after = await Eventually.AssertAsync(() => sampler.SampleAsync(CancellationToken.None),
            s => s.Rollbacks >= before.Rollbacks + 3, TimeSpan.FromSeconds(10), "three more rollbacks counted");

        Assert.True(after.Commits >= before.Commits);
        Assert.True(after.Deadlocks >= before.Deadlocks);
    }
}
