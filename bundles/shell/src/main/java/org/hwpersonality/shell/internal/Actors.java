package org.hwpersonality.shell.internal;

import java.security.AccessController;
import java.security.Principal;
import javax.security.auth.Subject;

/** Who runs a command, for the audit trail: {@code shell:USER} from the session's JAAS subject. */
final class Actors {
    private Actors() {}

    @SuppressWarnings("removal")
    static String current() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (Principal p : subject.getPrincipals()) {
                if (p.getClass().getSimpleName().equals("UserPrincipal")) {
                    return "shell:" + p.getName();
                }
            }
        }
        return "shell";
    }
}
