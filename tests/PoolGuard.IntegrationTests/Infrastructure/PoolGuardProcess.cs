using System.Net;
using System.Net.Sockets;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>The real poolguard executable as an operator runs it: `poolguard run -c FILE` in its own process.</summary>
internal static class PoolGuardProcess
{
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The poolguard executable built next to this test assembly (project reference).</summary>
    public static string Executable
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "poolguard.dll");
            Assert.True(File.Exists(path), $"{path} is missing: the test project must reference src/PoolGuard");
            return path;
        }
    }

    /// <summary>
    /// Starts `poolguard run -c <paramref name="configFile"/>` and waits until it listens on <paramref name="port"/>.
    /// A JSON config runs with the admin HTTP endpoint off (POOLGUARD__AdminHttpPort=0) unless
    /// <paramref name="environment"/> says otherwise: tests run in parallel and must not fight over its default port 9930.
    /// </summary>
    /// <param name="sigintIgnored">Start it as a non-interactive shell starts a background job: SIGINT inherited as ignored.</param>
    public static async Task<RunningProcess> StartAsync(string configFile, int port, IReadOnlyDictionary<string, string>? environment = null,
        bool sigintIgnored = false)
    {
        string[] command = [DotnetHost, Executable, "run", "-c", configFile];
        // The shell ignores SIGINT and then becomes poolguard (exec): same pid, the ignore inherited.
        var (file, arguments) = sigintIgnored ? ("sh", ["-c", "trap '' INT; exec \"$@\"", "sh", .. command]) : (command[0], command[1..]);
        var process = RunningProcess.Start(file, arguments,
            environment ?? new Dictionary<string, string> { ["POOLGUARD__AdminHttpPort"] = "0" });
        await WaitForListenerAsync(process, port);
        return process;
    }

    /// <summary>Until the port accepts a connection; fails at once if the process exits instead.</summary>
    private static async Task WaitForListenerAsync(RunningProcess process, int port)
    {
        var ready = await Eventually.TrueAsync(async () =>
        {
            Assert.False(process.HasExited, $"poolguard exited before listening.\n{process.Output()}");
            using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30));
        Assert.True(ready, $"poolguard did not listen on {port} within 30 s.\n{process.Output()}");
    }

    public static int UnusedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
