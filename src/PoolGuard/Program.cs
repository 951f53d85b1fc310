using PoolGuard.Cli;

RuntimeTuning.Apply();
var parse = PoolGuardCli.Build().Parse(args);
var code = await parse.InvokeAsync().ConfigureAwait(false);
// check and init run in CI, where 1 means "findings": a mistyped option must not read as one.
return parse.Errors.Count > 0 && parse.CommandResult.Command.Name is "check" or "init" ? ExitCodes.InvalidConfig : code;
