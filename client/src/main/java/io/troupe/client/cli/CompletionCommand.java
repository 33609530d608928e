package io.troupe.client.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code troupe completion}: a bash completion script for every command and option. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a bash (and zsh) completion script for troupe. Load it in this shell with",
      "  source <(ops/troupe completion)",
      "or for every shell: ops/troupe completion > /etc/bash_completion.d/troupe"
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("troupe", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
