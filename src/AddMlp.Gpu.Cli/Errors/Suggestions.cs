namespace AddMlp.Gpu.Cli;

/// <summary>"Did you mean ...?" for a mistyped command or option.</summary>
public static class Suggestions
{
    /// <summary>
    /// What to tell a user about a word the parser did not take: the option another tool's users would
    /// type it for, the list syntax when a list option's values came as separate words, or the nearest
    /// word when it looks like a typo. Null when there is nothing useful to say.
    /// </summary>
    public static string? ForUnmatched(string[] args, string unmatched, IEnumerable<string> words)
    {
        string[] known = [.. words];
        string spelling = unmatched.Split('=')[0];
        if (OtherToolsSpellings.TryGetValue(spelling.TrimStart('-'), out string? ours) && known.Contains(ours))
            return $"addmlp calls it '{ours}'.";
        int at = Array.IndexOf(args, unmatched);
        if (at > 0 && FloatText.TryParseFinite(unmatched, out _))
        {
            // `--hidden 16 16`: the list option took the first value, and the rest are left over.
            int option = at - 1;
            while (option > 0 && FloatText.TryParseFinite(args[option], out _))
                option--;
            string[] values = [.. args.Skip(option + 1).TakeWhile(a => FloatText.TryParseFinite(a, out _))];
            if (args[option] == "--hidden")
                return $"--hidden takes one word, the widths joined by commas: --hidden {string.Join(',', values)}.";
            if (args[option] == "--range" && values.Length == 2)
                return $"--range takes one word, LO:HI: --range {values[0]}:{values[1]}.";
        }
        return Closest(unmatched, known) is string closest ? $"Did you mean '{closest}'?" : null;
    }

    /// <summary>How PyTorch example scripts, Keras and Lightning users spell addmlp's train options.</summary>
    private static readonly Dictionary<string, string> OtherToolsSpellings = new()
    {
        ["learning-rate"] = "--lr", ["learning_rate"] = "--lr", ["lr0"] = "--lr",
        ["num-epochs"] = "--epochs", ["num_epochs"] = "--epochs", ["n-epochs"] = "--epochs", ["max-epochs"] = "--epochs", ["max_epochs"] = "--epochs",
        ["batch_size"] = "--batch-size", ["bs"] = "--batch-size",
        ["weight_decay"] = "--weight-decay", ["wd"] = "--weight-decay",
        ["optim"] = "--optimizer", ["opt"] = "--optimizer",
        ["hidden-size"] = "--hidden", ["hidden_size"] = "--hidden", ["hidden-sizes"] = "--hidden", ["hidden-layers"] = "--hidden", ["hidden-units"] = "--hidden", ["layers"] = "--hidden",
        ["gradient-clip-val"] = "--clip-grad-norm", ["gradient_clip_val"] = "--clip-grad-norm", ["clip-grad"] = "--clip-grad-norm", ["max-grad-norm"] = "--clip-grad-norm", ["clipnorm"] = "--clip-grad-norm",
        ["patience"] = "--early-stop", ["early-stopping"] = "--early-stop",
        ["validation-split"] = "--val-fraction", ["validation_split"] = "--val-fraction", ["val-split"] = "--val-fraction", ["val-ratio"] = "--val-fraction",
        ["scheduler"] = "--lr-schedule", ["lr-scheduler"] = "--lr-schedule",
        ["num-threads"] = "--threads", ["workers"] = "--threads",
        ["max-time-per-run"] = "--max-time", ["time-limit"] = "--max-time",
        ["out"] = "--model", ["output"] = "--model", ["save"] = "--model",
        ["logdir"] = "--tensorboard", ["log-dir"] = "--tensorboard",
        ["cuda"] = "--device", ["gpu"] = "--device",
    };

    /// <summary>
    /// The candidate nearest to <paramref name="typed"/> by edit distance (a letter added, dropped,
    /// changed, or two swapped), if it is near enough to be a typo: at most 1 edit for a word of up to 4
    /// letters, 2 for longer ones. Null when none is, or when two are equally near.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        int allowed = typed.TrimStart('-').Length <= 4 ? 1 : 2;
        var near = candidates.Distinct()
            .Select(c => (Word: c, Distance: Distance(typed, c)))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ToList();
        return near.Count == 0 || (near.Count > 1 && near[1].Distance == near[0].Distance) ? null : near[0].Word;
    }

    /// <summary>Optimal string alignment distance: Levenshtein's, with a swap of neighbours counted as one edit.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
