using System.CommandLine;

namespace PoolGuard.Cli;

/// <summary>The command tree. Each verb lives in its own file; this only wires them together.</summary>
internal static class PoolGuardCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("PoolGuard: a PostgreSQL connection-pooling gateway with hard connection caps.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(DiagnoseCommand.Create());
        root.Subcommands.Add(MonitoringCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(LoadTestCommand.Create());
        root.Subcommands.Add(IncidentCommand.Create());
        return root;
    }
}
