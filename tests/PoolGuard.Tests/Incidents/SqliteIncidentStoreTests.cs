using System.Text.Json;
using Microsoft.Data.Sqlite;
using PoolGuard.Incidents.Markdown;
using PoolGuard.Incidents.Store;

namespace PoolGuard.Tests.Incidents;

/// <summary>The SQLite store: created on first use, a record back exactly as saved, replaced by id, versioned, and clear errors.</summary>
public sealed class SqliteIncidentStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-incidents-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static PoolGuard.Incidents.Model.Incident Outage() => PostmortemImporter.Import(
        File.ReadAllText(RepositoryFiles.Path("tests", "PoolGuard.Tests", "Incidents", "Fixtures", "unlimited-pool-outage.md")), new ImportOptions()).Incident;

    [Fact]
    public async Task A_record_comes_back_as_it_was_saved_and_a_second_save_replaces_it()
    {
        var store = new SqliteIncidentStore(Path.Combine(_directory, "sub", "incidents.db"));
        Assert.Empty(await store.ListAsync(CancellationToken.None)); // no file yet: nothing, and nothing created
        Assert.False(File.Exists(store.Location));
        var outage = Outage();

        await store.SaveAsync(outage, CancellationToken.None);
        var back = await store.GetAsync(outage.Id, CancellationToken.None);

        Assert.Equal(JsonSerializer.Serialize(outage, IncidentJson.Default.Incident), JsonSerializer.Serialize(back!, IncidentJson.Default.Incident));
        await store.SaveAsync(outage with { Severity = "SEV2" }, CancellationToken.None);
        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal(("SEV2", outage.Timeline[0].At), (listed.Severity, listed.StartedAt!.Value));
        Assert.Null(await store.GetAsync("no-such-id", CancellationToken.None));
    }

    [Fact]
    public async Task A_file_from_a_newer_schema_or_one_that_is_not_sqlite_is_refused_naming_the_file()
    {
        var newer = Path.Combine(_directory, "newer.db");
        await using (var connection = new SqliteConnection($"Data Source={newer}"))
        {
            await connection.OpenAsync();
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA user_version = 99";
            await pragma.ExecuteNonQueryAsync();
        }
        var refused = await Assert.ThrowsAsync<IncidentStoreException>(() => new SqliteIncidentStore(newer).ListAsync(CancellationToken.None));
        Assert.Contains("schema version 99, written by a newer PoolGuard", refused.Message, StringComparison.Ordinal);

        var text = Path.Combine(_directory, "notes.txt");
        await File.WriteAllTextAsync(text, "this is not a database, just some words that fill more than a header would\n" + new string('x', 200));
        var garbage = await Assert.ThrowsAsync<IncidentStoreException>(() => new SqliteIncidentStore(text).SaveAsync(Outage(), CancellationToken.None));
        Assert.Contains(text, garbage.Message, StringComparison.Ordinal);
    }
}
