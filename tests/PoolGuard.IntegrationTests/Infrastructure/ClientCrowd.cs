using Npgsql;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Many Npgsql clients (Npgsql's own pool off: one gateway client each) connected at the same
/// time. Opening them all before any of them runs a query is what proves the gateway served more
/// clients than it has servers, rather than serving them one pool-full after another.
/// </summary>
internal sealed class ClientCrowd : IAsyncDisposable
{
    private readonly Task<NpgsqlConnection>[] _opening;

    private ClientCrowd(Task<NpgsqlConnection>[] opening) => _opening = opening;

    public IReadOnlyList<NpgsqlConnection> Connections => _opening.Select(t => t.Result).ToList();

    /// <summary>Opens <paramref name="count"/> clients concurrently; fails unless every one is open within <paramref name="bound"/>.</summary>
    public static async Task<ClientCrowd> OpenAsync(int count, Func<int, string> connectionString, TimeSpan bound)
    {
        using var deadline = new CancellationTokenSource(bound);
        var crowd = new ClientCrowd(Enumerable.Range(0, count).Select(i => OpenOneAsync(connectionString(i), deadline.Token)).ToArray());
        try
        {
            await Task.WhenAll(crowd._opening).WaitAsync(bound + TimeSpan.FromSeconds(5));
        }
        catch (Exception ex)
        {
            var open = crowd._opening.Count(t => t.IsCompletedSuccessfully);
            await crowd.DisposeAsync();
            throw new InvalidOperationException($"only {open} of {count} clients were open at once within {bound.TotalSeconds:0} s: {ex.Message}", ex);
        }
        return crowd;
    }

    private static async Task<NpgsqlConnection> OpenOneAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_opening).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Some never opened (OpenAsync reports that); the others are closed below.
        }
        var closing = _opening.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.DisposeAsync().AsTask());
        try
        {
            await Task.WhenAll(closing).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // A connection the gateway already broke: nothing left to close.
        }
    }
}
