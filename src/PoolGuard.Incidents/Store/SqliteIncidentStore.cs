using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Store;

/// <summary>
/// Incident records in one SQLite file, created on first use. Each record is kept whole as JSON beside the columns
/// `list` sorts and shows; the schema moves forward by numbered migrations (PRAGMA user_version), so a file written
/// by an older PoolGuard is upgraded in place and one from a newer PoolGuard is refused rather than misread.
/// The default file is POOLGUARD_INCIDENT_STORE, else $XDG_DATA_HOME/poolguard/incidents.db.
/// </summary>
public sealed class SqliteIncidentStore(string file) : IIncidentStore
{
    /// <summary>Migration n (1-based) takes the schema from version n - 1 to n.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE incidents (
          id TEXT PRIMARY KEY, title TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,
          started_at TEXT, document TEXT NOT NULL, saved_at TEXT NOT NULL);
        CREATE INDEX incidents_started ON incidents (started_at);
        """,
    ];

    public string Location => file;

    public static string DefaultFile()
    {
        if (Environment.GetEnvironmentVariable("POOLGUARD_INCIDENT_STORE") is { Length: > 0 } configured)
        {
            return configured;
        }
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "poolguard", "incidents.db");
    }

    public async Task SaveAsync(Incident incident, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO incidents (id, title, severity, status, started_at, document, saved_at) VALUES ($id, $title, $severity, $status, $started, $document, $saved)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, severity = excluded.severity, status = excluded.status,
              started_at = excluded.started_at, document = excluded.document, saved_at = excluded.saved_at
            """;
        upsert.Parameters.AddWithValue("$id", incident.Id);
        upsert.Parameters.AddWithValue("$title", incident.Title);
        upsert.Parameters.AddWithValue("$severity", incident.Severity);
        upsert.Parameters.AddWithValue("$status", incident.Status.ToString());
        upsert.Parameters.AddWithValue("$started", incident.Timeline.Count > 0 ? incident.Timeline.Min(e => e.At).ToString("O", CultureInfo.InvariantCulture) : DBNull.Value);
        upsert.Parameters.AddWithValue("$document", JsonSerializer.Serialize(incident, IncidentJson.Default.Incident));
        upsert.Parameters.AddWithValue("$saved", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        await Guard(() => upsert.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
    }

    public async Task<Incident?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return null;
        }
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT document FROM incidents WHERE id = $id";
        select.Parameters.AddWithValue("$id", id);
        var document = await Guard(() => select.ExecuteScalarAsync(cancellationToken)).ConfigureAwait(false) as string;
        try
        {
            return document is null ? null : JsonSerializer.Deserialize(document, IncidentJson.Default.Incident);
        }
        catch (JsonException ex)
        {
            throw new IncidentStoreException($"{file}: the record {id} cannot be read: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return [];
        }
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT id, title, severity, status, started_at FROM incidents ORDER BY started_at DESC, id";
        var list = new List<IncidentSummary>();
        await using var row = await Guard(() => select.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new IncidentSummary(row.GetString(0), row.GetString(1), row.GetString(2), Enum.Parse<IncidentStatus>(row.GetString(3)),
                row.IsDBNull(4) ? null : DateTimeOffset.Parse(row.GetString(4), CultureInfo.InvariantCulture)));
        }
        return list;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file }.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            throw new IncidentStoreException($"cannot open the incident store {file}: {ex.Message}", ex);
        }
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        var current = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (current > Migrations.Length)
        {
            throw new IncidentStoreException($"{file} has schema version {current}, written by a newer PoolGuard (this one knows up to {Migrations.Length})");
        }
        for (var next = current; next < Migrations.Length; next++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = Migrations[next] + $"\nPRAGMA user_version = {(next + 1).ToString(CultureInfo.InvariantCulture)};";
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new IncidentStoreException($"the incident store {file}: {ex.Message}", ex);
        }
    }
}
