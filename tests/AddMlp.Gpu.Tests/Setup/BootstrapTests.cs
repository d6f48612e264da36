using System.Diagnostics;

namespace AddMlp.Gpu.Tests;

/// <summary>What scripts/bootstrap leaves on the machine (it has run before any test: scripts/test runs it).</summary>
public sealed class BootstrapTests
{
    private const string TrixieSources = "/etc/apt/sources.list.d/addmlp-trixie.sources";

    [Fact]
    public void Nothing_but_the_named_sources_can_come_from_trixie()
    {
        if (!File.Exists(TrixieSources))
        {
            // No trixie added: this system's own libstdc++ must then be new enough (Debian 13, Ubuntu 24.04).
            string libstdcxx = Run("/sbin/ldconfig", "-p").Split('\n').First(l => l.Contains("libstdc++.so.6 ") && l.Contains("x86-64")).Split(' ')[^1];
            Assert.Contains("GLIBCXX_3.4.32", File.ReadAllText(libstdcxx));
            return;
        }

        string pin = File.ReadAllText("/etc/apt/preferences.d/addmlp-trixie.pref");
        Assert.Contains("Package: src:gcc-14 src:glibc src:dpkg src:libzstd src:base-files\nPin: release n=trixie\nPin-Priority: 500", pin);
        Assert.Contains("Package: *\nPin: release n=trixie\nPin-Priority: -1", pin);
        // What the next `apt upgrade` would take: nothing from Debian 13.
        string[] fromTrixie = Run("apt-get", "-s", "-q", "-o", "Debug::NoLocking=1", "upgrade").Split('\n')
            .Where(l => l.StartsWith("Inst ", StringComparison.Ordinal) && l.Contains("Debian:13")).ToArray();
        Assert.Empty(fromTrixie);
        // A package outside the five sources cannot be had from trixie even when asked for.
        string bash = Run("apt-cache", "policy", "bash");
        Assert.Matches(@"-1 \S+ trixie/main", bash);
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)}: exit {p.ExitCode}");
        return output;
    }
}
