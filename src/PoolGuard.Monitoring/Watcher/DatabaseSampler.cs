using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;

namespace PoolGuard.Monitoring.Watcher;

/// <summary>
/// Samples one database over one dedicated connection, kept open between samples: a watcher that
/// had to connect for each sample would be locked out exactly when the database runs out of
/// connections. Never throws for the database's sake: a refused login, a dead server or a slow
/// answer is a <see cref="SampleState.Down"/> sample with the reason. Not thread-safe: one sample
/// at a time (the watcher's loop).
/// </summary>
public sealed class DatabaseSampler : IAsyncDisposable
{
    /// <summary>The application_name the watcher's own connection shows in pg_stat_activity.</summary>
    public const string ApplicationName = "poolguard-watcher";

    private readonly WatchTarget _target;
    private readonly TimeProvider _time;
    private readonly string _connectionString;
    private NpgsqlConnection? _connection;

    /// <param name="statementTimeout">Bounds each statement of a sample and the connect: the cost on the database stays bounded.</param>
    public DatabaseSampler(WatchTarget target, TimeSpan statementTimeout, TimeProvider? time = null)
    {
        _target = target;
        _time = time ?? TimeProvider.System;
        var milliseconds = (int)Math.Max(1, statementTimeout.TotalMilliseconds);
        _connectionString = new NpgsqlConnectionStringBuilder(target.ConnectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            Timeout = Math.Max(1, (int)Math.Ceiling(statementTimeout.TotalSeconds)),
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(statementTimeout.TotalSeconds)) + 1,
            Options = $"-c statement_timeout={milliseconds}",
            // The watcher only reads: no transaction is left open if it is cut off mid-sample.
            Enlist = false,
        }.ConnectionString;
    }

    public async Task<DatabaseSample> SampleAsync(CancellationToken cancellationToken) =>
        await SampleOrFailureAsync(cancellationToken).ConfigureAwait(false) with { WatchOnly = _target.WatchOnly };

    private async Task<DatabaseSample> SampleOrFailureAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var takenAt = _time.GetUtcNow();
        try
        {
            var reused = _connection is not null;
            try
            {
                return await QueryAsync(takenAt, started, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (reused && IsConnectionLost(ex) && !cancellationToken.IsCancellationRequested)
            {
                // The kept connection died between samples (terminated, server restarted): one new one, now.
                await DropConnectionAsync().ConfigureAwait(false);
                return await QueryAsync(takenAt, started, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsDatabaseFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            await DropConnectionAsync().ConfigureAwait(false);
            return new DatabaseSample
            {
                Database = _target.Name,
                TakenAt = takenAt,
                State = SampleState.Down,
                Error = Describe(ex),
                Duration = Stopwatch.GetElapsedTime(started),
            };
        }
    }

    private async Task<DatabaseSample> QueryAsync(DateTimeOffset takenAt, long started, CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            var connection = new NpgsqlConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            _connection = connection;
        }
        await using var batch = new NpgsqlBatch(_connection);
        foreach (var statement in SampleQueries.Statements)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await SampleReader.ReadAsync(reader, _target.Name, takenAt, started, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsConnectionLost(Exception ex) =>
        ex is NpgsqlException { IsTransient: true } or IOException or SocketException
        || ex is PostgresException { SqlState: "57P01" or "57P02" or "57P03" }
        || ex.InnerException is IOException or SocketException;

    private static bool IsDatabaseFailure(Exception ex) =>
        ex is NpgsqlException or IOException or SocketException or TimeoutException or InvalidOperationException or OperationCanceledException;

    /// <summary>The reason in one line: SQLSTATE and PostgreSQL's message, or the network's. Never the connection string.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        NpgsqlException { InnerException: TimeoutException } => "timeout: no answer within the watcher's statement timeout",
        NpgsqlException { InnerException: SocketException socket } => $"cannot connect: {socket.Message}",
        NpgsqlException { InnerException: IOException io } => $"connection lost: {io.Message}",
        _ => ex.Message,
    };

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(DropConnectionAsync());
}
