namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>Waiting for something the gateway does asynchronously (closing a server, draining a queue), with a deadline.</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(20);
        }
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan timeout) => TrueAsync(() => Task.FromResult(condition()), timeout);

    /// <summary>
    /// Fails the test with <paramref name="what"/> and the last observed value when the deadline passes;
    /// otherwise returns the value that met the expectation.
    /// </summary>
    public static async Task<T> AssertAsync<T>(Func<Task<T>> observe, Func<T, bool> expected, TimeSpan timeout, string what)
    {
        var last = default(T);
        var met = await TrueAsync(async () => expected(last = await observe()), timeout);
        Assert.True(met, $"{what} (still {last} after {timeout.TotalSeconds:0.#} s)");
        return last!;
    }

    public static Task<T> AssertAsync<T>(Func<T> observe, Func<T, bool> expected, TimeSpan timeout, string what) =>
        AssertAsync(() => Task.FromResult(observe()), expected, timeout, what);
}
