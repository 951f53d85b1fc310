using PoolGuard.Cli;

RuntimeTuning.Apply();
var parse = PoolGuardCli.Build().Parse(args);
var code = await parse.InvokeAsync().ConfigureAwait(false);
// check, init, loadtest (and its compare) run in CI, where 1 means "findings" or "a threshold crossed", and incident
// keeps 2 for every refusal: a mistyped option must not read as a finding.
string[] strict = ["check", "init", "loadtest", "incident"];
var command = parse.CommandResult.Command;
var usageError = parse.Errors.Count > 0 && (strict.Contains(command.Name) || command.Parents.OfType<System.CommandLine.Command>().Any(c => strict.Contains(c.Name)));
return usageError ? ExitCodes.InvalidConfig : code;
