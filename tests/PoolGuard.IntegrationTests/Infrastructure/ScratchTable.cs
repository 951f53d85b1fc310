namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A real (not temporary) table with a unique name in database app, created and dropped by the
/// superuser and granted to app_user. Real, because in transaction pooling a temporary table lives
/// on whichever server created it, and what a test checks must be visible from every server.
/// </summary>
internal sealed class ScratchTable : IAsyncDisposable
{
    private ScratchTable(string name) => Name = name;

    public string Name { get; }

    public static async Task<ScratchTable> CreateAsync(string columns, string prefix = "scratch")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await SandboxDatabase.ExecuteAsync("app", $"create table public.{name} ({columns}); grant all on public.{name} to {PgSandbox.Roles.App}");
        return new ScratchTable(name);
    }

    /// <summary>Rows in the table as the superuser sees them: committed rows only.</summary>
    public Task<long> CountCommittedRowsAsync() => SandboxDatabase.ScalarAsync<long>("app", $"select count(*) from public.{Name}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A gateway that left a transaction holding a lock on the table would block the drop: bounded.
            await SandboxDatabase.ExecuteAsync("app", $"set lock_timeout = '5s'; drop table if exists public.{Name}");
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Not the test's verdict: an undropped scratch table harms no other test.
        }
    }
}
