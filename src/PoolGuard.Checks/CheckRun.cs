using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Rules;
using PoolGuard.Checks.Sources;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks;

/// <summary>What a check read and found.</summary>
public sealed record CheckReport(int FilesRead, IReadOnlyList<ClientPool> Pools, IReadOnlyList<Finding> Findings, ConnectionBudget? Budget);

/// <summary>
/// `poolguard check`: walks the given files and folders, reads every configuration it recognises into pools,
/// and runs every rule. Paths in findings are as given (relative stays relative). Build output and VCS folders
/// are skipped.
/// </summary>
public static class CheckRun
{
    public static readonly IReadOnlyList<ICheckRule> Rules = [new PoolingUnboundedRule(), new NoExplicitMaximumRule(), new FleetDemandRule()];

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { ".git", "bin", "obj", "node_modules" };

    public static CheckReport Run(IReadOnlyList<string> paths, ConnectionBudget? budget)
    {
        var pools = new List<ClientPool>();
        var findings = new List<Finding>();
        var files = 0;
        foreach (var (file, shown) in Files(paths))
        {
            if (AppSettingsFile.Matches(file))
            {
                files++;
                AppSettingsFile.Read(file, shown, Application(file), pools, findings);
            }
        }
        var context = new CheckContext(pools, budget);
        findings.AddRange(Rules.SelectMany(r => r.Check(context)));
        return new CheckReport(files, pools,
            [.. findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Location.File, StringComparer.Ordinal).ThenBy(f => f.Location.Line)], budget);
    }

    /// <summary>An application is named by the folder its configuration sits in.</summary>
    private static string Application(string file) => new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(file))!).Name;

    private static IEnumerable<(string File, string Shown)> Files(IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                yield return (path, path);
                continue;
            }
            if (!Directory.Exists(path))
            {
                throw new FileNotFoundException($"no such file or folder: {path}", path);
            }
            var pending = new Stack<string>([path]);
            while (pending.TryPop(out var folder))
            {
                foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                {
                    yield return (file, Path.GetRelativePath(Directory.GetCurrentDirectory(), file));
                }
                foreach (var sub in Directory.EnumerateDirectories(folder).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))).OrderDescending(StringComparer.Ordinal))
                {
                    pending.Push(sub);
                }
            }
        }
    }
}
