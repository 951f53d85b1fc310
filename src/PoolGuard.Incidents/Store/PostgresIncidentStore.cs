using System.Globalization;
using System.Text.Json;
using Npgsql;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Store;

/// <summary>
/// Incident records in a PostgreSQL database a team shares (`--store postgresql://…` or an Npgsql connection string).
/// The same shape as the SQLite store — each record whole, as jsonb, beside the columns `list` shows — and the same
/// numbered migrations, kept in poolguard_incident_schema and applied under an advisory lock, so two responders
/// starting at once do not migrate twice. The tables are created on first use.
/// </summary>
public sealed class PostgresIncidentStore(string connectionString, string location) : IIncidentStore
{
    /// <summary>Any number: the lock only has to be the same for every PoolGuard migrating this database.</summary>
    private const long MigrationLock = 0x506f6f6c47756172; // "PoolGuar"

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE poolguard_incidents (
          id text PRIMARY KEY, title text NOT NULL, severity text NOT NULL, status text NOT NULL,
          started_at timestamptz, document jsonb NOT NULL, saved_at timestamptz NOT NULL);
        CREATE INDEX poolguard_incidents_started ON poolguard_incidents (started_at);
        """,
    ];

    private bool _migrated;

    public string Location => location;

    public async Task SaveAsync(Incident incident, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO poolguard_incidents (id, title, severity, status, started_at, document, saved_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, now())
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, severity = excluded.severity, status = excluded.status,
              started_at = excluded.started_at, document = excluded.document, saved_at = excluded.saved_at
            """, connection);
        upsert.Parameters.AddWithValue(incident.Id);
        upsert.Parameters.AddWithValue(incident.Title);
        upsert.Parameters.AddWithValue(incident.Severity);
        upsert.Parameters.AddWithValue(incident.Status.ToString());
        upsert.Parameters.AddWithValue(incident.Timeline.Count > 0 ? incident.Timeline.Min(e => e.At) : DBNull.Value);
        upsert.Parameters.AddWithValue(JsonSerializer.Serialize(incident, IncidentJson.Default.Incident));
        await Guard(() => upsert.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
    }

    public async Task<Incident?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = new NpgsqlCommand("SELECT document::text FROM poolguard_incidents WHERE id = $1", connection);
        select.Parameters.AddWithValue(id);
        var document = await Guard(() => select.ExecuteScalarAsync(cancellationToken)).ConfigureAwait(false) as string;
        try
        {
            return document is null ? null : JsonSerializer.Deserialize(document, IncidentJson.Default.Incident);
        }
        catch (JsonException ex)
        {
            throw new IncidentStoreException($"{location}: the record {id} cannot be read: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = new NpgsqlCommand("SELECT id, title, severity, status, started_at FROM poolguard_incidents ORDER BY started_at DESC NULLS LAST, id", connection);
        var list = new List<IncidentSummary>();
        await using var row = await Guard(() => select.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new IncidentSummary(row.GetString(0), row.GetString(1), row.GetString(2), Enum.Parse<IncidentStatus>(row.GetString(3)),
                row.IsDBNull(4) ? null : new DateTimeOffset(row.GetDateTime(4), TimeSpan.Zero)));
        }
        return list;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_migrated)
            {
                await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                _migrated = true;
            }
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IncidentStoreException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            throw ex as IncidentStoreException ?? new IncidentStoreException($"cannot open the incident store {location}: {ex.Message}", ex);
        }
    }

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        async Task<object?> Run(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        await Run($"SELECT pg_advisory_xact_lock({MigrationLock.ToString(CultureInfo.InvariantCulture)})").ConfigureAwait(false);
        await Run("CREATE TABLE IF NOT EXISTS poolguard_incident_schema (version integer NOT NULL)").ConfigureAwait(false);
        var current = Convert.ToInt32(await Run("SELECT coalesce(max(version), 0) FROM poolguard_incident_schema").ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (current > Migrations.Length)
        {
            throw new IncidentStoreException($"{location} has schema version {current}, written by a newer PoolGuard (this one knows up to {Migrations.Length})");
        }
        for (var next = current; next < Migrations.Length; next++)
        {
            await Run(Migrations[next]).ConfigureAwait(false);
            await Run($"INSERT INTO poolguard_incident_schema (version) VALUES ({(next + 1).ToString(CultureInfo.InvariantCulture)})").ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new IncidentStoreException($"the incident store {location}: {ex.Message}", ex);
        }
    }
}
