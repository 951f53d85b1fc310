using Npgsql;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A well-behaved Npgsql client running parameterised queries in a loop while a test abuses the
/// gateway on other connections. It proves the abuse stayed on its own connection: any error
/// here, or a loop that stops making progress, is the gateway failing everyone else.
/// </summary>
internal sealed class BystanderClient : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Exception> _errors = [];
    private readonly Task _loop;
    private int _iterations;

    private BystanderClient(NpgsqlConnection connection)
    {
        _connection = connection;
        _loop = RunAsync();
    }

    public static async Task<BystanderClient> StartAsync(GatewayHarness gateway) => new(await gateway.OpenAsync());

    public int Iterations => Volatile.Read(ref _iterations);

    private async Task RunAsync()
    {
        await Task.Yield();
        await using var command = new NpgsqlCommand("select $1::int + 1", _connection);
        var parameter = command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 0 });
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            try
            {
                parameter.Value = i;
                var result = await command.ExecuteScalarAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                if (!Equals(result, i + 1))
                {
                    throw new InvalidDataException($"select {i} + 1 returned {result}");
                }
                Interlocked.Increment(ref _iterations);
            }
            catch (Exception ex)
            {
                lock (_errors)
                {
                    _errors.Add(ex);
                }
                return; // After a failure the connection is suspect; one error is enough to fail the test.
            }
        }
    }

    /// <summary>Waits until the loop has made <paramref name="more"/> further round trips: it is alive now.</summary>
    public async Task AssertProgressAsync(int more = 20)
    {
        var target = Iterations + more;
        await Eventually.AssertAsync(() => Iterations, n => n >= target || HasErrors, TimeSpan.FromSeconds(10), "the bystander client stopped making progress");
        AssertNoErrors();
    }

    private bool HasErrors
    {
        get
        {
            lock (_errors)
            {
                return _errors.Count > 0;
            }
        }
    }

    public void AssertNoErrors()
    {
        lock (_errors)
        {
            Assert.True(_errors.Count == 0, $"the bystander client failed after {Iterations} queries: {string.Join("; ", _errors)}");
        }
    }

    /// <summary>Stops the loop and asserts it never failed.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(15));
        AssertNoErrors();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop.WaitAsync(TimeSpan.FromSeconds(15));
        }
        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
