package net.lorawanns.config;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-fallback}} in configuration strings with environment variables,
 * so that keys and passwords need not sit in the file. {@code $${} stands for a literal {@code ${}.
 */
final class EnvExpander {
    private static final Pattern REF = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private final UnaryOperator<String> env;

    EnvExpander(UnaryOperator<String> env) {
        this.env = env;
    }

    String expand(String text) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$${")) {
                replacement = "${";
            } else {
                String value = env.apply(m.group(1));
                if (value == null) {
                    if (m.group(2) == null) {
                        throw new InvalidSettingException("", "environment variable " + m.group(1) + " is not set");
                    }
                    value = m.group(3);
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
