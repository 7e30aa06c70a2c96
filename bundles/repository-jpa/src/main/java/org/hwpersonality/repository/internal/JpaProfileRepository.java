package org.hwpersonality.repository.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.persistence.EntityManager;
import javax.persistence.TypedQuery;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.repository.internal.entity.ProfileEntity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The Hardware Personality Repository on JPA: profiles are rows with their JSON document. */
@Component(service = ProfileRepository.class)
public class JpaProfileRepository implements ProfileRepository {
    /** Imports up to this many profiles get one audit row each; larger ones one row in all. */
    static final int AUDITED_ONE_BY_ONE = 100;

    /** Who audit rows of the repository name (its callers do not say who asked). */
    static final String ACTOR = "repository";

    /** Profiles written per transaction in a bulk store: big enough to amortize the commit, small enough to keep memory flat. */
    static final int CHUNK = 500;

    private final Database database;
    private final ProfileCodec codec = new ProfileCodec();

    /** The back ends present, asked whether they can apply a profile's tunables before it is stored. */
    private final List<ReconfigurationBackend> backends = new CopyOnWriteArrayList<>();

    @Activate
    public JpaProfileRepository(@Reference Database database) {
        this.database = database;
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(ReconfigurationBackend backend) {
        backends.add(backend);
    }

    void unbindBackend(ReconfigurationBackend backend) {
        backends.remove(backend);
    }

    @Override
    public List<PersonalityProfile> storeAll(List<PersonalityProfile> profiles) {
        List<PersonalityProfile> copy = List.copyOf(profiles);
        checkUniqueAmongThemselves(copy);
        checkTunables(copy);
        database.inTransaction(em -> {
            checkNotStored(em, copy);
            long revision = Revisions.next(em, Revisions.PROFILES);
            for (int i = 0; i < copy.size(); i++) {
                PersonalityProfile p = copy.get(i);
                ProfileEntity entity = new ProfileEntity(p, codec.write(p));
                entity.changeNo(revision);
                em.persist(entity);
                if (copy.size() <= AUDITED_ONE_BY_ONE) {
                    Audit.write(
                            em,
                            HwpEvent.topic("profile", "STORED"),
                            p.personalityId(),
                            ACTOR,
                            Map.of("origin", p.origin().name(), "name", p.name()));
                }
                if ((i + 1) % CHUNK == 0) {
                    em.flush();
                    em.clear();
                }
            }
            if (copy.size() > AUDITED_ONE_BY_ONE) {
                Audit.write(
                        em,
                        HwpEvent.topic("profile", "IMPORTED"),
                        copy.get(0).personalityId(),
                        ACTOR,
                        Map.of(
                                "profiles",
                                String.valueOf(copy.size()),
                                "last",
                                copy.get(copy.size() - 1).personalityId()));
            }
            return null;
        });
        return copy;
    }

    /**
     * A profile whose clock tunables its vendor's back end cannot apply at some value is refused, naming the tunable,
     * so that adjustment never derives a profile the card cannot load. Back ends absent here are not asked.
     */
    private void checkTunables(List<PersonalityProfile> profiles) {
        for (ReconfigurationBackend backend : backends) {
            for (PersonalityProfile p : profiles) {
                if (backend.vendor().equals(p.compatibility().vendor())) {
                    try {
                        backend.checkTunables(p);
                    } catch (BackendException e) {
                        throw new HwpException(
                                ErrorCode.INVALID_REQUEST, "profile '" + p.name() + "': " + e.getMessage(), e);
                    }
                }
            }
        }
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

    /**
     * Two steps: the page of IDs (a narrow, index-friendly query, paged in the database), then those rows. Reading
     * whole rows only for the page keeps the documents of skipped and filtered rows out of the way.
     */
    @Override
    public List<PersonalityProfile> list(ProfileQuery query) {
        return database.read(em -> {
            List<String> ids = query.workload().isPresent() ? idsOfWorkload(em, query) : ids(em, query);
            if (ids.isEmpty()) {
                return List.of();
            }
            return em
                    .createQuery(
                            "SELECT p FROM ProfileEntity p WHERE p.personalityId IN :ids ORDER BY p.personalityId",
                            ProfileEntity.class)
                    .setParameter("ids", ids)
                    .getResultList()
                    .stream()
                    .map(this::toDomain)
                    .toList();
        });
    }

    /** A page of IDs from the profile table, in ID order (its primary key). */
    private static List<String> ids(EntityManager em, ProfileQuery query) {
        StringBuilder jpql = new StringBuilder("SELECT p.personalityId FROM ProfileEntity p");
        List<String> where = new ArrayList<>();
        query.vendor().ifPresent(v -> where.add("p.vendor = :vendor"));
        if (!query.includeRetired()) {
            where.add("p.status = :active");
        }
        if (!where.isEmpty()) {
            jpql.append(" WHERE ").append(String.join(" AND ", where));
        }
        TypedQuery<String> q =
                em.createQuery(jpql.append(" ORDER BY p.personalityId").toString(), String.class);
        query.vendor().ifPresent(v -> q.setParameter("vendor", v));
        if (!query.includeRetired()) {
            q.setParameter("active", ProfileStatus.ACTIVE);
        }
        return q.setFirstResult(query.offset()).setMaxResults(query.limit()).getResultList();
    }

    /**
     * A page of IDs of a workload, walking the (WORKLOAD, PERSONALITY_ID) index in order, so the database stops
     * after the page instead of sorting every profile of the workload. Standard SQL (OFFSET … FETCH), which
     * Derby and PostgreSQL both run.
     */
    @SuppressWarnings("unchecked")
    private static List<String> idsOfWorkload(EntityManager em, ProfileQuery query) {
        StringBuilder sql =
                new StringBuilder("SELECT w.PERSONALITY_ID FROM HWP_PROFILE_WORKLOAD w WHERE w.WORKLOAD = ?1");
        if (query.vendor().isPresent() || !query.includeRetired()) {
            sql.append(" AND EXISTS (SELECT 1 FROM HWP_PROFILE p WHERE p.PERSONALITY_ID = w.PERSONALITY_ID");
            query.vendor().ifPresent(v -> sql.append(" AND p.VENDOR = ?2"));
            if (!query.includeRetired()) {
                sql.append(" AND p.STATUS = ?3");
            }
            sql.append(")");
        }
        sql.append(" ORDER BY w.PERSONALITY_ID OFFSET ?4 ROWS FETCH NEXT ?5 ROWS ONLY");
        javax.persistence.Query q = em.createNativeQuery(sql.toString())
                .setParameter(1, query.workload().get());
        query.vendor().ifPresent(v -> q.setParameter(2, v));
        if (!query.includeRetired()) {
            q.setParameter(3, ProfileStatus.ACTIVE.name());
        }
        q.setParameter(4, query.offset()).setParameter(5, query.limit());
        return ((List<Object>) q.getResultList()).stream().map(String::valueOf).toList();
    }

    @Override
    public PersonalityProfile retire(String personalityId) {
        return database.inTransaction(em -> {
            ProfileEntity entity = em.find(ProfileEntity.class, personalityId);
            if (entity == null) {
                throw HwpException.notFound("profile", personalityId);
            }
            if (entity.status() != ProfileStatus.RETIRED) {
                entity.status(ProfileStatus.RETIRED);
                entity.changeNo(Revisions.next(em, Revisions.PROFILES));
                Audit.write(em, HwpEvent.topic("profile", "RETIRED"), personalityId, ACTOR, Map.of());
            }
            return toDomain(entity);
        });
    }

    @Override
    public long count() {
        return database.read(em -> em.createQuery("SELECT COUNT(p) FROM ProfileEntity p", Long.class)
                .getSingleResult());
    }

    @Override
    public long revision() {
        return database.read(em -> Revisions.current(em, Revisions.PROFILES));
    }

    /** IDs in revision order (the CHANGE_NO index), then the rows by ID in chunks. */
    @Override
    public List<PersonalityProfile> changedSince(long revision) {
        return database.read(em -> {
            List<String> ids = em.createQuery(
                            "SELECT p.personalityId FROM ProfileEntity p WHERE p.changeNo > :revision"
                                    + " ORDER BY p.changeNo, p.personalityId",
                            String.class)
                    .setParameter("revision", revision)
                    .getResultList();
            List<PersonalityProfile> changed = new ArrayList<>(ids.size());
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                java.util.Map<String, PersonalityProfile> byId = new java.util.HashMap<>();
                em.createQuery("SELECT p FROM ProfileEntity p WHERE p.personalityId IN :ids", ProfileEntity.class)
                        .setParameter("ids", chunk)
                        .getResultList()
                        .forEach(e -> byId.put(e.personalityId(), toDomain(e)));
                chunk.forEach(id -> changed.add(byId.get(id)));
                em.clear();
            }
            return changed;
        });
    }

    private PersonalityProfile toDomain(ProfileEntity entity) {
        try {
            return codec.read(entity.document(), entity.status());
        } catch (IllegalStateException e) {
            java.util.logging.Logger.getLogger(JpaProfileRepository.class.getName())
                    .log(java.util.logging.Level.WARNING, "Profile " + entity.personalityId() + " cannot be read", e);
            throw new HwpException(
                    ErrorCode.CONFLICT,
                    "profile " + entity.personalityId() + ": its stored document cannot be read (the log has the"
                            + " details)",
                    e);
        }
    }
}
