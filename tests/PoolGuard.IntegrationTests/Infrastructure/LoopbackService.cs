namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A real server program from Debian's packages (Alertmanager, Prometheus) on a free loopback port with its own
/// scratch directory, for the length of one test, and an HttpClient for it. A missing binary skips the test on a
/// developer machine and fails it when CI=true (.ci/run installs the packages).
/// </summary>
internal sealed class LoopbackService : IAsyncDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);
    private readonly RunningProcess _process;

    private LoopbackService(RunningProcess process, string directory, Uri url)
    {
        _process = process;
        Directory = directory;
        Url = url;
        Client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Url { get; }
    public HttpClient Client { get; }
    public string Directory { get; }

    /// <summary>The first of <paramref name="candidates"/> that exists; skips (or fails under CI) when none does.</summary>
    public static string Binary(string package, params string[] candidates)
    {
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                $"CI=true but {package} is not installed (.ci/run installs it)");
            Skip.If(true, $"{package} is not installed (apt-get install {package})");
        }
        return found!;
    }

    /// <param name="arguments">Given the scratch directory and the port; the program must listen on 127.0.0.1:port.</param>
    public static async Task<LoopbackService> StartAsync(string binary, Func<string, int, IEnumerable<string>> arguments, string readyPath,
        Func<string, Task>? prepare = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("poolguard-svc-").FullName;
        if (prepare is not null)
        {
            await prepare(directory);
        }
        var port = PoolGuardProcess.UnusedPort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var service = new LoopbackService(RunningProcess.Start(binary, arguments(directory, port)), directory, url);
        var ready = await Eventually.TrueAsync(async () =>
        {
            Assert.False(service._process.HasExited, $"{Path.GetFileName(binary)} exited.\n{service._process.Output()}");
            try
            {
                using var response = await service.Client.GetAsync(readyPath);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, Ready);
        Assert.True(ready, $"{Path.GetFileName(binary)} did not get ready on {url} within {Ready.TotalSeconds} s.\n{service._process.Output()}");
        return service;
    }

    public string Output() => _process.Output();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under the temp directory.
        }
    }
}
