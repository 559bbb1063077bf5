// g5 assoc: every trait of a phenotype table against every variant (plink2
// --glm semantics), per trait a GWAS-SSF file with its index and YAML sidecar,
// Manhattan and QQ plots; one log.  With a release policy, rows and traits
// that break the centre's disclosure rules are withheld and the sample sets
// released are added to the policy's ledger -- the centre's own, beside the
// policy's real file (g5 follows the staged link): see meta.yml.
process G5_ASSOC {
    tag "$meta.id"
    label 'process_medium'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(genotypes), path(genotype_index), path(pheno), path(covar)
    path dict
    path policy

    output:
    tuple val(meta), path("*.tsv.gz")                       , emit: sumstats
    tuple val(meta), path("*.tsv.gz.tbi")                   , emit: tbi
    tuple val(meta), path("*.tsv.gz-meta.yaml")             , emit: yaml
    tuple val(meta), path("*.{manhattan,qq}.png")           , emit: png
    tuple val(meta), path("*.{manhattan,qq}.svg")           , emit: svg
    tuple val(meta), path("*.log")                          , emit: log
    path "versions.yml"                                     , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    g5 assoc \\
        $args \\
        -@ ${task.cpus - 1} \\
        --pheno ${pheno} \\
        ${covar ? "--covar ${covar}" : ''} \\
        ${dict ? "--dict ${dict}" : ''} \\
        ${policy ? "--release-policy ${policy}" : ''} \\
        -o ${prefix} \\
        $genotypes

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    echo '' | gzip > ${prefix}.TRAIT.tsv.gz
    touch ${prefix}.TRAIT.tsv.gz.tbi
    touch ${prefix}.TRAIT.tsv.gz-meta.yaml
    touch ${prefix}.TRAIT.manhattan.png ${prefix}.TRAIT.qq.png
    touch ${prefix}.TRAIT.manhattan.svg ${prefix}.TRAIT.qq.svg
    touch ${prefix}.log

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
