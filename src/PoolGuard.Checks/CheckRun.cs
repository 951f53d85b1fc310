using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Rules;
using PoolGuard.Checks.Sources;
using PoolGuard.Checks.Sources.Fleet;
using PoolGuard.Checks.Sources.Gateways;
using PoolGuard.Checks.Sources.Java;
using PoolGuard.Checks.Sources.Python;
using PoolGuard.Checks.Sources.Kubernetes;
using PoolGuard.Checks.Sources.Settings;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks;

/// <summary>What a check read and found.</summary>
public sealed record CheckReport(int FilesRead, IReadOnlyList<ClientPool> Pools, IReadOnlyList<Finding> Findings, ConnectionBudget? Budget)
{
    public IReadOnlyList<GatewayLimit> Gateways { get; init; } = [];
    public CheckContext? Context { get; init; }
}

/// <summary>
/// `poolguard check`: walks the given files and folders, reads every configuration it recognises into pools,
/// gateways and instance counts, and runs every rule. Paths in findings are as given (relative stays relative).
/// Build output and VCS folders are skipped.
/// </summary>
public static class CheckRun
{
    public static readonly IReadOnlyList<ICheckRule> Rules =
    [
        new PoolingUnboundedRule(), new NoExplicitMaximumRule(), new FleetDemandRule(), new GatewayCapsRule(),
        new MinimumPoolsRule(), new WaitTimeoutRule(), new AutoscalingRule(),
    ];

    private static readonly IReadOnlyList<IConfigReader> Readers =
    [
        new AppSettingsFile(), new DotEnvFile(), new PoolGuardConfigFile(), new PgBouncerIniFile(), new CheckSettingsFile(),
        new PropertiesFile(), new SpringYamlFile(), new PythonSettingsFile(), new KubernetesManifestFile(),
    ];

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { ".git", "bin", "obj", "node_modules" };

    /// <param name="budget">The database's capacity from the command line (--max-connections, --database); it wins
    /// over the default in .poolguard-check.yml, and loses to a database entry there that names the pool's server.</param>
    public static CheckReport Run(IReadOnlyList<string> paths, ConnectionBudget? budget)
    {
        var inputs = new CheckInputs();
        var files = 0;
        foreach (var (file, shown) in Files(paths))
        {
            if (Readers.FirstOrDefault(r => r.Matches(file)) is { } reader)
            {
                files++;
                reader.Read(new ConfigFile(file, shown, Application(file)), inputs);
            }
        }
        KubernetesFleet.AddPools(inputs.Kubernetes, inputs);
        ConnectionStrings.JoinSqlAlchemyEngines(inputs.Pools);
        var fleet = new Dictionary<string, AppInstances>(StringComparer.OrdinalIgnoreCase);
        KubernetesFleet.AddInstances(inputs.Kubernetes, fleet);
        foreach (var settings in inputs.Settings)
        {
            Apply(settings, fleet);
        }
        budget ??= inputs.Settings.Select(s => s.Default).LastOrDefault(b => b is not null);
        var context = new CheckContext(inputs.Pools, budget, inputs.Gateways, fleet,
            [.. inputs.Settings.SelectMany(s => s.Databases)], inputs.Settings.SelectMany(s => s.Gateways).Select(g => g.Address).OfType<string>());
        var findings = inputs.Findings.Concat(Rules.SelectMany(r => r.Check(context)));
        return new CheckReport(files, inputs.Pools,
            [.. findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Location.File, StringComparer.Ordinal).ThenBy(f => f.Location.Line).ThenBy(f => f.RuleId, StringComparer.Ordinal)],
            budget)
        { Gateways = inputs.Gateways, Context = context };
    }

    /// <summary>What .poolguard-check.yml says wins over what the manifests imply: it is there for what they get wrong.</summary>
    private static void Apply(CheckSettings settings, Dictionary<string, AppInstances> fleet)
    {
        foreach (var app in settings.Applications)
        {
            var known = fleet.GetValueOrDefault(app.Name) ?? AppInstances.Single(app.Name);
            fleet[app.Name] = known with
            {
                Replicas = app.Replicas ?? known.Replicas,
                ReplicasAt = app.Replicas is null ? known.ReplicasAt : app.Location,
                MaxReplicas = app.MaxReplicas ?? known.MaxReplicas,
                MaxReplicasAt = app.MaxReplicas is null ? known.MaxReplicasAt : app.Location,
                MaxPoolSize = app.MaxPoolSize ?? known.MaxPoolSize,
            };
        }
        foreach (var gateway in settings.Gateways.Where(g => g.Instances is not null))
        {
            var known = fleet.GetValueOrDefault(gateway.Name) ?? AppInstances.Single(gateway.Name);
            fleet[gateway.Name] = known with { Replicas = gateway.Instances!.Value, ReplicasAt = gateway.Location };
        }
    }

    /// <summary>Folders that hold configuration inside an application rather than name it (src/main/resources, config/).</summary>
    private static readonly HashSet<string> LayoutFolders = new(StringComparer.OrdinalIgnoreCase) { "src", "main", "resources", "config", "conf", "configuration", "settings" };

    /// <summary>An application is named by the folder its configuration sits in, above the layout folders of its build.</summary>
    private static string Application(string file)
    {
        var folder = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(file))!);
        while (LayoutFolders.Contains(folder.Name) && folder.Parent is { } parent)
        {
            folder = parent;
        }
        return folder.Name;
    }

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
