package net.lorawanns.deploy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** A command of the launcher run in process: its exit status and what it wrote to standard output and error. */
public record CommandRun(int status, String out, String err) {
    /** Runs {@code args} as the launcher's command line. */
    public static CommandRun run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Launcher.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args.toArray(String[]::new));
        return new CommandRun(status, out.toString(), err.toString());
    }

    /** {@code args}, then each option of {@code defaults} (option, value, option, value, ...) that they do not give. */
    public static List<String> withDefaults(List<String> args, String... defaults) {
        List<String> all = new ArrayList<>(args);
        for (int i = 0; i < defaults.length; i += 2) {
            if (!all.contains(defaults[i])) {
                all.add(defaults[i]);
                all.add(defaults[i + 1]);
            }
        }
        return all;
    }
}
