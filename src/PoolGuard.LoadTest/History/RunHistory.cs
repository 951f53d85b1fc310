using System.Globalization;
using Microsoft.Data.Sqlite;
using PoolGuard.LoadTest.Results;

namespace PoolGuard.LoadTest.History;

/// <summary>One stored run: what `loadtest history` lists and `compare` reads.</summary>
public sealed record StoredRun(long Id, DateTimeOffset StartedAt, string Workload, string Model, string Endpoint, int Clients, double? Rate,
    double DurationSeconds, long Transactions, double Tps, double P50, double P95, double P99, long Errors, double ErrorRate, string? Label)
{
    /// <summary>Runs that measured the same thing: same workload, endpoint and load (clients, or rate).</summary>
    public bool SameShape(StoredRun other) =>
        Workload == other.Workload && Endpoint == other.Endpoint && Model == other.Model && Clients == other.Clients && Rate == other.Rate;
}

/// <summary>
/// Every load test's result in one SQLite file, so this quarter's run is compared with the last one. The default file
/// is POOLGUARD_LOADTEST_STORE, else $XDG_DATA_HOME/poolguard/loadtest.db (~/.local/share/poolguard/loadtest.db).
/// </summary>
public sealed class RunHistory(string file)
{
    public string File { get; } = file;

    public static string DefaultFile()
    {
        if (Environment.GetEnvironmentVariable("POOLGUARD_LOADTEST_STORE") is { Length: > 0 } configured)
        {
            return configured;
        }
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "poolguard", "loadtest.db");
    }

    public async Task<long> SaveAsync(LoadTestResult result, string? label, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO runs (started_at, workload, model, endpoint, clients, rate, duration_s, transactions, tps, p50_ms, p95_ms, p99_ms, errors, error_rate, label)
            VALUES ($started, $workload, $model, $endpoint, $clients, $rate, $duration, $transactions, $tps, $p50, $p95, $p99, $errors, $rate_of_errors, $label)
            RETURNING id
            """;
        insert.Parameters.AddWithValue("$started", result.StartedAt.ToString("O", CultureInfo.InvariantCulture));
        insert.Parameters.AddWithValue("$workload", result.Workload);
        insert.Parameters.AddWithValue("$model", result.Model);
        insert.Parameters.AddWithValue("$endpoint", result.Endpoint);
        insert.Parameters.AddWithValue("$clients", result.Clients);
        insert.Parameters.AddWithValue("$rate", (object?)result.Rate ?? DBNull.Value);
        insert.Parameters.AddWithValue("$duration", result.DurationSeconds);
        insert.Parameters.AddWithValue("$transactions", result.Transactions);
        insert.Parameters.AddWithValue("$tps", result.Tps);
        insert.Parameters.AddWithValue("$p50", result.Latency.P50);
        insert.Parameters.AddWithValue("$p95", result.Latency.P95);
        insert.Parameters.AddWithValue("$p99", result.Latency.P99);
        insert.Parameters.AddWithValue("$errors", result.Errors);
        insert.Parameters.AddWithValue("$rate_of_errors", result.ErrorRate);
        insert.Parameters.AddWithValue("$label", (object?)label ?? DBNull.Value);
        return (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Runs, newest first.</summary>
    public async Task<IReadOnlyList<StoredRun>> ListAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(File))
        {
            return [];
        }
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT id, started_at, workload, model, endpoint, clients, rate, duration_s, transactions, tps, p50_ms, p95_ms, p99_ms, errors, error_rate, label
            FROM runs ORDER BY id DESC
            """;
        var runs = new List<StoredRun>();
        await using var row = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(new StoredRun(row.GetInt64(0), DateTimeOffset.Parse(row.GetString(1), CultureInfo.InvariantCulture), row.GetString(2), row.GetString(3), row.GetString(4),
                row.GetInt32(5), row.IsDBNull(6) ? null : row.GetDouble(6), row.GetDouble(7), row.GetInt64(8), row.GetDouble(9), row.GetDouble(10), row.GetDouble(11),
                row.GetDouble(12), row.GetInt64(13), row.GetDouble(14), row.IsDBNull(15) ? null : row.GetString(15)));
        }
        return runs;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(File))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = File }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var schema = connection.CreateCommand();
        schema.CommandText = """
            CREATE TABLE IF NOT EXISTS runs (
              id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, workload TEXT NOT NULL, model TEXT NOT NULL, endpoint TEXT NOT NULL,
              clients INTEGER NOT NULL, rate REAL, duration_s REAL NOT NULL, transactions INTEGER NOT NULL, tps REAL NOT NULL,
              p50_ms REAL NOT NULL, p95_ms REAL NOT NULL, p99_ms REAL NOT NULL, errors INTEGER NOT NULL, error_rate REAL NOT NULL, label TEXT)
            """;
        await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
