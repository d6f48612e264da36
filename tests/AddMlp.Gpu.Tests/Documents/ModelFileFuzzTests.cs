using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// Mutated model files fed to `addmlp predict` (in process: the executable's own code path) end in
/// exit 0 with a finite sum or exit 2 with one line naming the problem; never a crash or a hang.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed partial class ModelFileFuzzTests : IDisposable
{
    private const int Cases = 2000;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Two_thousand_mutated_model_files_give_a_finite_sum_or_exit_2()
    {
        string valid = Models.WriteExactAdder(_dir.File("valid.json"));
        var random = new Random(20261124);
        string path = _dir.File("fuzz.json");
        int accepted = 0, rejected = 0;

        for (int i = 0; i < Cases; i++)
        {
            (string kind, byte[] content) = Mutate(valid, random);
            File.WriteAllBytes(path, content);

            CliResult result = InProcess.Run("predict", "0.3", "0.5", "--model", path);

            string context = $"case {i} ({kind}):\n{Encoding.UTF8.GetString(content)}\n{result}";
            if (result.ExitCode == 0)
            {
                Assert.True(double.TryParse(result.StdOut.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double sum) && double.IsFinite(sum), context);
                accepted++;
            }
            else
            {
                Assert.True(result.ExitCode == 2, context);
                Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Contains(path, result.StdErr);
                Assert.DoesNotContain("   at ", result.StdErr);
                rejected++;
            }
        }

        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        Assert.True(accepted > 50 && rejected > 50, $"accepted {accepted}, rejected {rejected}");
    }

    private static (string Kind, byte[] Content) Mutate(string valid, Random random)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(valid);
        switch (random.Next(6))
        {
            case 0: // truncation
                return ("truncate", bytes[..random.Next(bytes.Length)]);
            case 1: // byte flips
                for (int n = random.Next(1, 4); n > 0; n--)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return ("flip", bytes);
            case 2: // swap a number for another
            {
                string[] replacements = ["0", "-1", "2", "1e38", "1e39", "-1e39", "1e-45", "99999999999", "-0", "1.5", "\"NaN\"", "\"Infinity\"", "null", "\"x\"", "[]", "{}", "1e308", "65537", "100000000"];
                MatchCollection numbers = Number().Matches(valid);
                Match target = numbers[random.Next(numbers.Count)];
                string text = valid[..target.Index] + replacements[random.Next(replacements.Length)] + valid[(target.Index + target.Length)..];
                return ("number", Encoding.UTF8.GetBytes(text));
            }
            case 3: // shape edits
            {
                string[] shapes = ["[]", "[2]", "[1]", "[2, 1]", "[1, 2, 1]", "[0, 2]", "[-1, 2]", "[1000000, 1000000]", "[1, 1]", "[9223372036854775807, 2]"];
                MatchCollection found = Shape().Matches(valid);
                Match target = found[random.Next(found.Count)];
                string text = valid[..target.Index] + $"\"shape\": {shapes[random.Next(shapes.Length)]}" + valid[(target.Index + target.Length)..];
                return ("shape", Encoding.UTF8.GetBytes(text));
            }
            case 4: // values lists of another length or content
            {
                string[] lists = ["[]", "[1]", "[1, 1, 1]", "[1, \"a\"]", "[1e39, 1]", "[null, 1]", "[[1], [1]]", "[0.5, 0.5]"];
                MatchCollection found = Values().Matches(valid);
                Match target = found[random.Next(found.Count)];
                string text = valid[..target.Index] + $"\"values\": {lists[random.Next(lists.Length)]}" + valid[(target.Index + target.Length)..];
                return ("values", Encoding.UTF8.GetBytes(text));
            }
            default: // architecture edits
            {
                string[] edits = ["\"hidden\": [4]", "\"hidden\": [0]", "\"hidden\": [-3]", "\"hidden\": [4], \"activation\": \"relu\"", "\"hidden\": \"none\"", "\"hidden\": [65536, 65536]", "\"hidden\": null"];
                string text = valid.Replace("\"hidden\": []", edits[random.Next(edits.Length)]);
                return ("architecture", Encoding.UTF8.GetBytes(text));
            }
        }
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"""shape"": \[[^\]]*\]")]
    private static partial Regex Shape();

    [GeneratedRegex(@"""values"": \[[^\]]*\]")]
    private static partial Regex Values();
}
