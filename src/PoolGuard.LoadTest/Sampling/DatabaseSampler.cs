using Npgsql;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.LoadTest.Sampling;

/// <summary>
/// The database's connections by state, from pg_stat_activity on one connection of its own opened before the load.
/// Point it at the database itself, not through a gateway: behind a saturated pool its query would queue with the
/// load. Without pg_monitor (or superuser) other users' sessions show no state and count only in the total.
/// </summary>
public sealed class DatabaseSampler(string connectionString, string display) : IResourceSampler
{
    private const string Query = """
        SELECT count(*),
               count(*) FILTER (WHERE state = 'active'),
               count(*) FILTER (WHERE state = 'idle'),
               count(*) FILTER (WHERE state LIKE 'idle in transaction%'),
               count(*) FILTER (WHERE wait_event_type = 'Lock'),
               current_setting('max_connections')::int
        FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
        """;

    private NpgsqlConnection? _connection;

    public string Source => $"database {display}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return; // a knee search runs many steps on one sampler
        }
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "poolguard loadtest sampler",
            Pooling = false,
            Timeout = 10,
            CommandTimeout = 5,
        };
        _connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new LoadTestSetupException($"cannot sample the {Source}: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyDictionary<string, double>> SampleAsync(CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("StartAsync first");
        await using var command = new NpgsqlCommand(Query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, double>
        {
            [ResourceNames.DatabaseConnections] = reader.GetInt64(0),
            [ResourceNames.DatabaseActive] = reader.GetInt64(1),
            [ResourceNames.DatabaseIdle] = reader.GetInt64(2),
            [ResourceNames.DatabaseIdleInTransaction] = reader.GetInt64(3),
            [ResourceNames.DatabaseLockWaits] = reader.GetInt64(4),
            [ResourceNames.DatabaseMaxConnections] = reader.GetInt32(5),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
