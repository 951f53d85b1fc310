namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>One answer of the admin console: the result sets of a query's statements, or the error that ended it.</summary>
internal sealed record ConsoleAnswer(IReadOnlyList<ConsoleResultSet> Sets, IReadOnlyList<PgMessage> Notices, PgMessage? Error)
{
    /// <summary>The only result set; fails the test (with the error, if any) when there is not exactly one.</summary>
    public ConsoleResultSet Single => Sets.Count == 1 ? Sets[0] : throw new InvalidOperationException($"{Sets.Count} result sets; error: {Error}");
}

/// <summary>A result set: its RowDescription and its DataRows, with lookups by column name.</summary>
internal sealed record ConsoleResultSet(IReadOnlyList<RowField> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows)
{
    public string? Value(IReadOnlyList<string?> row, string column)
    {
        var index = Columns.Select(c => c.Name).ToList().IndexOf(column);
        return index >= 0 ? row[index] : throw new KeyNotFoundException($"no column {column}");
    }

    public IReadOnlyList<string?> RowWhere(string column, string? value) =>
        Rows.SingleOrDefault(r => Value(r, column) == value) ?? throw new InvalidOperationException($"no row with {column} = {value}");
}

/// <summary>The raw client logged in to the admin console (gateway with trust auth), running simple queries.</summary>
internal sealed class ConsoleClient : IDisposable
{
    private ConsoleClient(RawPgClient raw) => Raw = raw;

    public RawPgClient Raw { get; }

    public static async Task<ConsoleClient> LogInAsync(GatewayHarness gateway, string user = PgSandbox.Roles.App, string database = "pgbouncer") =>
        new(await RawPgClient.LogInWithTrustAsync(gateway, user, database));

    /// <summary>Sends one Query and reads its answer up to ReadyForQuery.</summary>
    public async Task<ConsoleAnswer> QueryAsync(string sql)
    {
        await Raw.SendAsync(RawPgClient.Query(sql));
        var sets = new List<ConsoleResultSet>();
        var notices = new List<PgMessage>();
        PgMessage? error = null;
        List<RowField>? columns = null;
        var rows = new List<IReadOnlyList<string?>>();
        foreach (var message in await Raw.ReadUntilReadyForQueryAsync())
        {
            switch (message.TypeChar)
            {
                case 'T':
                    columns = [.. message.RowFields()];
                    rows = [];
                    break;
                case 'D':
                    rows.Add(message.Columns());
                    break;
                case 'C' when columns is not null:
                    sets.Add(new ConsoleResultSet(columns, rows));
                    columns = null;
                    break;
                case 'N':
                    notices.Add(message);
                    break;
                case 'E':
                    error = message;
                    break;
            }
        }
        return new ConsoleAnswer(sets, notices, error);
    }

    public async Task<ConsoleResultSet> ShowAsync(string subject)
    {
        var answer = await QueryAsync($"SHOW {subject}");
        Assert.True(answer.Error is null, $"SHOW {subject}: {answer.Error}");
        return answer.Single;
    }

    public void Dispose() => Raw.Dispose();
}
