using PoolGuard.Cli;

return await PoolGuardCli.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
