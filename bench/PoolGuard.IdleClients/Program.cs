using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;
using PoolGuard.IdleClients;

Options? options;
try
{
    options = Options.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    options = null;
}
if (options is null)
{
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

var held = new IAsyncDisposable?[options.Count];
var failures = 0;
string? firstError = null;
var opened = 0;
var clock = Stopwatch.StartNew();

await Parallel.ForEachAsync(Enumerable.Range(0, options.Count),
    new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = stop.Token },
    async (i, token) =>
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Timeout));
            held[i] = options.Mode == "login"
                ? await RawLogin.ConnectAsync(options, timeout.Token)
                : await OpenAndQueryAsync(options, timeout.Token);
            var n = Interlocked.Increment(ref opened);
            if (n % 100 == 0)
            {
                Console.Error.WriteLine($"idle-clients: {n} of {options.Count} connected ({clock.Elapsed.TotalSeconds:0.0} s)");
            }
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            if (Interlocked.Increment(ref failures) == 1)
            {
                firstError = $"connection {i}: {ex.GetType().Name}: {ex.Message}";
            }
        }
    }).ContinueWith(_ => { }, TaskScheduler.Default); // stopped early: fall through and close what is open

if (failures > 0)
{
    Console.Error.WriteLine($"idle-clients: {failures} of {options.Count} connections failed; first: {firstError}");
}
if (!stop.IsCancellationRequested)
{
    Console.Error.WriteLine($"idle-clients: holding {opened} idle connections ({options.Mode} mode, {clock.Elapsed.TotalSeconds:0.0} s to open)");
    Console.WriteLine($"ready {opened}");
    try
    {
        await Task.Delay(TimeSpan.FromSeconds(options.Hold), stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
}

foreach (var connection in held)
{
    if (connection is not null)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // Closing is best effort: the peer may already be gone.
        }
    }
}
Console.Error.WriteLine($"idle-clients: closed {opened} connections");
return failures > 0 ? 1 : 0;

static async Task<IAsyncDisposable> OpenAndQueryAsync(Options options, CancellationToken cancellationToken)
{
    var builder = new NpgsqlConnectionStringBuilder
    {
        Host = options.Host,
        Port = options.Port,
        Username = options.User,
        Password = options.Password,
        Database = options.Database,
        Pooling = false,
        Timeout = options.Timeout,
        ApplicationName = "idle-clients",
    };
    var connection = new NpgsqlConnection(builder.ConnectionString);
    try
    {
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
        return connection;
    }
    catch
    {
        await connection.DisposeAsync();
        throw;
    }
}
