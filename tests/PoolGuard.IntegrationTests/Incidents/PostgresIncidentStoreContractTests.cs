using Npgsql;
using PoolGuard.Incidents.Store;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Incidents;

/// <summary>
/// The store contract on the sandbox PostgreSQL: each test a scratch database owned by the application role, reached
/// as --store reaches it (a postgresql:// URI, the password from PGPASSWORD), dropped afterwards.
/// </summary>
public sealed class PostgresIncidentStoreContractTests : IncidentStoreContract, IAsyncLifetime
{
    private readonly List<string> _databases = [];

    protected override async Task<IIncidentStore> CreateAsync()
    {
        PgSandbox.Require();
        var name = $"incidents_{Guid.NewGuid():N}"[..24];
        await using (var superuser = await PgSandbox.OpenSuperuserAsync())
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} OWNER {PgSandbox.Roles.App}", superuser);
            await create.ExecuteNonQueryAsync();
        }
        _databases.Add(name);
        var uri = $"postgresql://{PgSandbox.Roles.App}:{Uri.EscapeDataString(PgSandbox.Roles.AppPassword)}@{PgSandbox.Host}:{PgSandbox.Port}/{name}";
        var store = IncidentStores.Open(uri);
        Assert.Equal($"{PgSandbox.Host}:{PgSandbox.Port}/{name}", store.Location); // the password never in what messages show
        return store;
    }

    [SkippableFact]
    public async Task Two_stores_opening_one_empty_database_at_once_migrate_it_once()
    {
        var first = await CreateAsync();
        var second = IncidentStores.Open($"postgresql://{PgSandbox.Roles.App}:{Uri.EscapeDataString(PgSandbox.Roles.AppPassword)}@{PgSandbox.Host}:{PgSandbox.Port}/{_databases[^1]}");
        await Task.WhenAll(first.ListAsync(CancellationToken.None), second.ListAsync(CancellationToken.None));

        await using var connection = new NpgsqlConnection(PgSandbox.DirectConnectionString(PgSandbox.Roles.App, PgSandbox.Roles.AppPassword, _databases[^1]));
        await connection.OpenAsync();
        await using var versions = new NpgsqlCommand("SELECT count(*) FROM poolguard_incident_schema", connection);
        Assert.Equal(1L, await versions.ExecuteScalarAsync());
    }

    [SkippableFact]
    public async Task An_unreachable_database_is_a_store_error_naming_where()
    {
        var store = IncidentStores.Open("postgresql://nobody@127.0.0.1:1/none");
        var error = await Assert.ThrowsAsync<IncidentStoreException>(() => store.ListAsync(CancellationToken.None));
        Assert.StartsWith("cannot open the incident store 127.0.0.1:1/none", error.Message, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_databases.Count == 0)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var superuser = await PgSandbox.OpenSuperuserAsync();
        foreach (var name in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", superuser);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
