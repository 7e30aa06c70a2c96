package org.hwpersonality.repository.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.persistence.EntityManager;
import javax.persistence.TypedQuery;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.repository.internal.entity.ProfileEntity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The Hardware Personality Repository on JPA: profiles are rows with their JSON document. */
@Component(service = ProfileRepository.class)
public class JpaProfileRepository implements ProfileRepository {
    /** Profiles written per transaction in a bulk store: big enough to amortize the commit, small enough to keep memory flat. */
    static final int CHUNK = 500;

    private final Database database;
    private final ProfileCodec codec = new ProfileCodec();

    @Activate
    public JpaProfileRepository(@Reference Database database) {
        this.database = database;
    }

    @Override
    public List<PersonalityProfile> storeAll(List<PersonalityProfile> profiles) {
        List<PersonalityProfile> copy = List.copyOf(profiles);
        checkUniqueAmongThemselves(copy);
        database.inTransaction(em -> {
            checkNotStored(em, copy);
            for (int i = 0; i < copy.size(); i++) {
                PersonalityProfile p = copy.get(i);
                em.persist(new ProfileEntity(p, codec.write(p)));
                if ((i + 1) % CHUNK == 0) {
                    em.flush();
                    em.clear();
                }
            }
            return null;
        });
        return copy;
    }

    private static void checkUniqueAmongThemselves(List<PersonalityProfile> profiles) {
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (PersonalityProfile p : profiles) {
            if (!ids.add(p.personalityId())) {
                throw HwpException.conflict("Personality ID '" + p.personalityId() + "' appears twice");
            }
            if (!names.add(p.name() + "\u0000" + p.version())) {
                throw HwpException.conflict("profile '" + p.name() + "' version " + p.version() + " appears twice");
            }
        }
    }

    /** Names the first profile that exists already, so the caller learns which one; the constraints still guard races. */
    private static void checkNotStored(EntityManager em, List<PersonalityProfile> profiles) {
        for (int from = 0; from < profiles.size(); from += CHUNK) {
            List<PersonalityProfile> chunk = profiles.subList(from, Math.min(profiles.size(), from + CHUNK));
            List<String> ids =
                    chunk.stream().map(PersonalityProfile::personalityId).toList();
            List<String> taken = em.createQuery(
                            "SELECT p.personalityId FROM ProfileEntity p WHERE p.personalityId IN :ids", String.class)
                    .setParameter("ids", ids)
                    .setMaxResults(1)
                    .getResultList();
            if (!taken.isEmpty()) {
                throw HwpException.conflict(
                        "Personality ID '" + taken.get(0) + "' exists already; a stored profile never changes");
            }
            List<String> names =
                    chunk.stream().map(PersonalityProfile::name).distinct().toList();
            List<Object[]> versions = em.createQuery(
                            "SELECT p.name, p.profileVersion FROM ProfileEntity p WHERE p.name IN :names",
                            Object[].class)
                    .setParameter("names", names)
                    .getResultList();
            Set<String> existing = new HashSet<>();
            versions.forEach(row -> existing.add(row[0] + "\u0000" + row[1]));
            for (PersonalityProfile p : chunk) {
                if (existing.contains(p.name() + "\u0000" + p.version())) {
                    throw HwpException.conflict("profile '" + p.name() + "' version " + p.version()
                            + " exists already; store the change as a new version");
                }
            }
        }
    }

    @Override
    public Optional<PersonalityProfile> find(String personalityId) {
        return database.read(em ->
                Optional.ofNullable(em.find(ProfileEntity.class, personalityId)).map(this::toDomain));
    }

    @Override
    public List<PersonalityProfile> list(ProfileQuery query) {
        return database.read(em -> {
            StringBuilder jpql = new StringBuilder("SELECT p FROM ProfileEntity p");
            List<String> where = new ArrayList<>();
            if (query.workload().isPresent()) {
                jpql.append(" JOIN p.workloads w");
                where.add("w.workload = :workload");
            }
            query.vendor().ifPresent(v -> where.add("p.vendor = :vendor"));
            if (!query.includeRetired()) {
                where.add("p.status = :active");
            }
            if (!where.isEmpty()) {
                jpql.append(" WHERE ").append(String.join(" AND ", where));
            }
            jpql.append(" ORDER BY p.personalityId");
            TypedQuery<ProfileEntity> q = em.createQuery(jpql.toString(), ProfileEntity.class);
            query.workload().ifPresent(w -> q.setParameter("workload", w));
            query.vendor().ifPresent(v -> q.setParameter("vendor", v));
            if (!query.includeRetired()) {
                q.setParameter("active", ProfileStatus.ACTIVE);
            }
            q.setFirstResult(query.offset()).setMaxResults(query.limit());
            return q.getResultList().stream().map(this::toDomain).toList();
        });
    }

    @Override
    public PersonalityProfile retire(String personalityId) {
        return database.inTransaction(em -> {
            ProfileEntity entity = em.find(ProfileEntity.class, personalityId);
            if (entity == null) {
                throw HwpException.notFound("profile", personalityId);
            }
            entity.status(ProfileStatus.RETIRED);
            return toDomain(entity);
        });
    }

    @Override
    public long count() {
        return database.read(em -> em.createQuery("SELECT COUNT(p) FROM ProfileEntity p", Long.class)
                .getSingleResult());
    }

    private PersonalityProfile toDomain(ProfileEntity entity) {
        try {
            return codec.read(entity.document(), entity.status());
        } catch (IllegalStateException e) {
            throw new HwpException(ErrorCode.CONFLICT, "profile " + entity.personalityId() + ": " + e.getMessage(), e);
        }
    }
}
