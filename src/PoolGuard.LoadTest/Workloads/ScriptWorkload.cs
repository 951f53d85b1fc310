using Npgsql;
using PoolGuard.LoadTest.Scripts;

namespace PoolGuard.LoadTest.Workloads;

/// <summary>
/// Custom scripts, each with a weight: per transaction one is picked (weight-proportionally), its variables drawn,
/// and its statements run in order on the client's connection, each prepared once. Before the run every statement
/// is prepared on a real connection, so a SQL error stops the test with the script's file and line, not mid-load.
/// </summary>
public sealed class ScriptWorkload(IReadOnlyList<LoadScript> scripts) : IWorkload
{
    private readonly int _totalWeight = scripts.Sum(s => s.Weight);

    public string Name => string.Join("+", scripts.Select(s => scripts.Count > 1 ? $"{s.Name}@{s.Weight}" : s.Name));

    public async Task PrepareAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var script in scripts)
        {
            foreach (var statement in script.Statements)
            {
                await using var command = Command(statement, script, connection);
                try
                {
                    await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex)
                {
                    throw new LoadTestSetupException($"{script.Name}:{statement.Line}: {ex.SqlState}: {ex.MessageText}", ex);
                }
            }
        }
    }

    public async Task<WorkerState> StartWorkerAsync(NpgsqlDataSource dataSource, int worker, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var prepared = new List<(LoadScript Script, NpgsqlCommand[] Commands)>();
        foreach (var script in scripts)
        {
            var commands = script.Statements.Select(s => Command(s, script, connection)).ToArray();
            foreach (var command in commands)
            {
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }
            prepared.Add((script, commands));
        }
        return new State(connection, prepared, _totalWeight);
    }

    private static NpgsqlCommand Command(ScriptStatement statement, LoadScript script, NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(statement.Sql, connection);
        foreach (var name in statement.Parameters)
        {
            var variable = script.Variables.Last(v => v.Name == name);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = variable.Low });
        }
        return command;
    }

    private sealed class State(NpgsqlConnection connection, List<(LoadScript Script, NpgsqlCommand[] Commands)> scripts, int totalWeight) : WorkerState
    {
        private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);

        public override async Task RunAsync(CancellationToken cancellationToken)
        {
            var pick = Random.Shared.Next(totalWeight);
            var (script, commands) = scripts[0];
            foreach (var candidate in scripts)
            {
                if ((pick -= candidate.Script.Weight) < 0)
                {
                    (script, commands) = candidate;
                    break;
                }
            }
            foreach (var variable in script.Variables)
            {
                _values[variable.Name] = variable.Low == variable.High ? variable.Low : Random.Shared.NextInt64(variable.Low, variable.High + 1);
            }
            for (var i = 0; i < commands.Length; i++)
            {
                var statement = script.Statements[i];
                for (var p = 0; p < statement.Parameters.Count; p++)
                {
                    ((NpgsqlParameter<long>)commands[i].Parameters[p]).TypedValue = _values[statement.Parameters[p]];
                }
                await commands[i].ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            foreach (var command in scripts.SelectMany(s => s.Commands))
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
