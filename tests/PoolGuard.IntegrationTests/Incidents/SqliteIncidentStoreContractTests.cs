using PoolGuard.Incidents.Store;

namespace PoolGuard.IntegrationTests.Incidents;

/// <summary>The store contract on a SQLite file in a folder of the test's own.</summary>
public sealed class SqliteIncidentStoreContractTests : IncidentStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-store-contract-").FullName;

    protected override Task<IIncidentStore> CreateAsync() => Task.FromResult(IncidentStores.Open(Path.Combine(_directory, $"{Guid.NewGuid():N}.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
