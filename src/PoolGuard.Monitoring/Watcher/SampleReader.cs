using System.Diagnostics;
using Npgsql;

namespace PoolGuard.Monitoring.Watcher;

/// <summary>Turns the result sets of <see cref="SampleQueries"/>, in their order, into a <see cref="DatabaseSample"/>.</summary>
internal static class SampleReader
{
    public static async Task<DatabaseSample> ReadAsync(NpgsqlDataReader reader, string database, DateTimeOffset takenAt, long started, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var maxConnections = reader.GetInt32(0);
        var reserved = reader.GetInt32(1);
        var watcherPid = reader.GetInt32(2);

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var byState = new Dictionary<string, int>();
        var byApplication = new Dictionary<string, int>();
        var byAddress = new Dictionary<string, int>();
        var byUser = new Dictionary<string, int>();
        var connections = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.GetInt32(4);
            connections += count;
            Add(byState, reader.GetString(0), count);
            Add(byApplication, reader.GetString(1), count);
            Add(byAddress, reader.GetString(2), count);
            Add(byUser, reader.GetString(3), count);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        SessionRef? oldestIdle = null;
        var idleInTransaction = 0;
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            oldestIdle = Session(reader);
            idleInTransaction = reader.GetInt32(5);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        SessionRef? longest = null;
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            longest = Session(reader);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var lockWaits = new List<LockWait>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lockWaits.Add(new LockWait(reader.GetInt32(0), reader.GetFieldValue<int[]>(1), reader.IsDBNull(2) ? 0 : reader.GetDouble(2)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new DatabaseSample
        {
            Database = database,
            TakenAt = takenAt,
            State = SampleState.Up,
            Duration = Stopwatch.GetElapsedTime(started),
            MaxConnections = maxConnections,
            SuperuserReservedConnections = reserved,
            Connections = connections,
            ByState = Ranked(byState),
            ByApplication = Ranked(byApplication),
            ByClientAddress = Ranked(byAddress),
            ByUser = Ranked(byUser),
            IdleInTransaction = idleInTransaction,
            OldestIdleInTransaction = oldestIdle,
            LongestQuery = longest,
            LockWaits = lockWaits,
            Commits = reader.GetInt64(0),
            Rollbacks = reader.GetInt64(1),
            Deadlocks = reader.GetInt64(2),
            Sessions = reader.GetInt64(3),
            WatcherPid = watcherPid,
        };
    }

    private static SessionRef Session(NpgsqlDataReader reader) =>
        new(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? 0 : reader.GetDouble(4));

    private static void Add(Dictionary<string, int> counts, string key, int count) =>
        counts[key] = counts.GetValueOrDefault(key) + count;

    /// <summary>Most connections first; ties by key, so two samples of the same state list alike.</summary>
    private static ConnectionCount[] Ranked(Dictionary<string, int> counts) =>
        [.. counts.Select(c => new ConnectionCount(c.Key, c.Value)).OrderByDescending(c => c.Connections).ThenBy(c => c.Key, StringComparer.Ordinal)];
}
