namespace PoolGuard.Config.Validation;

/// <summary>Checks of the admin HTTP endpoint's settings.</summary>
internal sealed partial class ConfigValidator
{
    private void CheckAdminHttp()
    {
        // 0 is allowed: it turns the endpoint off.
        if (_config.AdminHttpPort != 0)
        {
            CheckPort("AdminHttpPort", _config.AdminHttpPort, "");
        }
        if (_config.AdminHttpPort != 0 && string.IsNullOrWhiteSpace(_config.AdminHttpAddress))
        {
            Error("AdminHttpAddress", $"{Name("AdminHttpAddress")} must not be empty; use 127.0.0.1 for local scrapers only, or set {Name("AdminHttpPort")} to 0 to turn the endpoint off");
        }
        else if (_config.AdminHttpPort != 0 && _config.AdminHttpAddress is "0.0.0.0" or "::" && _config.AdminHttpToken.Length == 0)
        {
            Warn("AdminHttpAddress",
                $"{Name("AdminHttpAddress")} {_config.AdminHttpAddress} exposes /api and /metrics (client addresses, traffic) to the network without {Name("AdminHttpToken")}; set a token or use 127.0.0.1");
        }
        if (_config.AdminHttpPort != 0 && _config.AdminHttpPort == _config.ListenPort && _config.ListenPort != 0)
        {
            Error("AdminHttpPort", $"{Name("AdminHttpPort")} {_config.AdminHttpPort} is the same as {Name("ListenPort")}; pick another port for the admin HTTP endpoint");
        }
    }
}
