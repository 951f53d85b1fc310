using System.Diagnostics;
using System.Text;

namespace PoolGuard.IntegrationTests.Infrastructure;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs real programs (psql, pgbench, the poolguard executable) with a deadline. A program past its
/// deadline is killed and the test fails with what it printed, so a hang never hangs the suite.
/// The caller's libpq variables (PGHOST, PGUSER…) never leak in: the child sees only what the test sets.
/// </summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null)
    {
        await using var process = RunningProcess.Start(fileName, arguments, environment, redirectInput: standardInput is not null);
        if (standardInput is not null)
        {
            await process.WriteInputAsync(standardInput);
        }
        if (!await process.WaitForExitAsync(timeout))
        {
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s; killed.\n{process.Output()}");
        }
        return process.Result();
    }

    /// <summary>A PostgreSQL client program: from the sandbox's bin directory when known, else from PATH.</summary>
    public static string PgTool(string name)
    {
        var bin = Environment.GetEnvironmentVariable("POOLGUARD_TEST_PG_BIN");
        var candidate = bin is null ? null : Path.Combine(bin, name);
        return candidate is not null && File.Exists(candidate) ? candidate : name;
    }

    /// <summary>libpq environment for a password login; PGCONNECT_TIMEOUT bounds the connect.</summary>
    public static Dictionary<string, string> PgEnvironment(string password) => new()
    {
        ["PGPASSWORD"] = password,
        ["PGCONNECT_TIMEOUT"] = "10",
    };
}

/// <summary>A started child process whose output is drained as it comes (a full pipe would block it).</summary>
internal sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private RunningProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static RunningProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("PG", StringComparison.Ordinal) || name.StartsWith("POOLGUARD__", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var running = new RunningProcess(process);
        process.OutputDataReceived += (_, e) => running.Append(running._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(running._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    public async Task WriteInputAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        _process.StandardInput.Close();
    }

    /// <summary>Sends a POSIX signal with kill(1): Process.Kill only knows SIGKILL.</summary>
    public async Task SignalAsync(string signal)
    {
        var result = await ProcessRunner.RunAsync("kill", [$"-{signal}", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        Assert.True(result.ExitCode == 0, $"kill -{signal} {Id} failed: {result}");
    }

    /// <summary>True when the process exited in time; false after killing it.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            Kill();
            return false;
        }
    }

    public ProcessResult Result() => new(_process.ExitCode, Text(_stdout), Text(_stderr), _clock.Elapsed);

    public string Output() => $"--- stdout ---\n{Text(_stdout)}\n--- stderr ---\n{Text(_stderr)}";

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static string Text(StringBuilder source)
    {
        lock (source)
        {
            return source.ToString();
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Exited on its own in the meantime.
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
