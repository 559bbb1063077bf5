// The centre's alignment step in one task: bwa mem for each read group of a
// sample, streamed into one g5 sort --markdup, which writes the sorted,
// duplicate-marked, indexed BAM (or CRAM), Picard's duplication metrics and
// the g5 stats report.  Why one module and not BWA_MEM + G5_SORT: see meta.yml.
process G5_ALIGN {
    tag "$meta.id"
    label 'process_high'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(reads)
    tuple val(meta2), path(index)
    tuple val(meta3), path(fasta)

    output:
    tuple val(meta), path("*.bam")             , emit: bam     , optional: true
    tuple val(meta), path("*.cram")            , emit: cram    , optional: true
    tuple val(meta), path("*.bai")             , emit: bai     , optional: true
    tuple val(meta), path("*.crai")            , emit: crai    , optional: true
    tuple val(meta), path("*.markdup.metrics") , emit: metrics
    tuple val(meta), path("*.stats")           , emit: stats
    path "versions.yml"                        , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args      = task.ext.args  ?: ''    // bwa mem
    def args2     = task.ext.args2 ?: ''    // g5 sort
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args2 =~ /(-O|--output-fmt)[ =]?cram\b/ ? 'cram' : 'bam'
    if (extension == 'cram' && !fasta) error "G5_ALIGN: CRAM output needs the reference (input 3)"
    // One read group per FASTQ pair (per FASTQ when meta.single_end), in order.
    def files = reads instanceof Path ? [reads] : reads.collect { it }
    if (!meta.single_end && files.size() % 2) error "G5_ALIGN: ${meta.id}: ${files.size()} FASTQ files do not make pairs"
    def units = meta.single_end ? files.collect { [it] } : files.collate(2)
    def ids   = meta.read_groups ?: (units.size() == 1 ? [meta.id] : (1..units.size()).collect { "${meta.id}.${it}" })
    if (ids.size() != units.size()) error "G5_ALIGN: ${meta.id}: ${ids.size()} read group IDs for ${units.size()} read groups"
    // LB decides which reads can be duplicates of each other: one library per
    // sample unless meta.library (or meta.libraries, one per read group) says
    // otherwise.
    def sample   = meta.sample   ?: meta.id
    def library  = { i -> meta.libraries ? meta.libraries[i] : (meta.library ?: sample) }
    def platform = meta.platform ?: 'ILLUMINA'
    def rg       = { i -> "@RG\\tID:${ids[i]}\\tSM:${sample}\\tLB:${library(i)}\\tPL:${platform}" }
    // The first bwa run writes the header, declaring every read group (-H);
    // the later runs' headers are dropped (no SAM record starts with @).
    def others   = (1..<ids.size()).collect { rg(it) }.join('\\n')
    def bwa      = []
    units.eachWithIndex { unit, i ->
        def run = "bwa mem ${args} -t ${task.cpus} -R '${rg(i)}'" +
                  (i == 0 && others ? " -H '${others}'" : '') +
                  " \$INDEX ${unit.join(' ')}"
        bwa << (i == 0 ? run : "${run} | sed '/^@/d'")
    }
    // bwa holds the index (about the size of the .bwt, .sa and .pac files);
    // g5 sort gets half of the task's memory.
    """
    INDEX=\$(find -L ./ -name "*.amb" | sed 's/\\.amb\$//')

    {
        ${bwa.join('\n        ')}
    } \\
        | g5 sort \\
            --markdup \\
            $args2 \\
            -@ ${task.cpus - 1} \\
            ${task.memory ? "-m ${(task.memory.toMega() * 0.5).intValue()}M" : ''} \\
            -T . \\
            ${extension == 'cram' ? "-f ${fasta}" : ''} \\
            -M ${prefix}.markdup.metrics \\
            --stats ${prefix}.stats \\
            --write-index \\
            -o ${prefix}.${extension} \\
            -

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
        bwa: \$(bwa 2>&1 | sed -n 's/^Version: //p')
    END_VERSIONS
    """

    stub:
    def args2     = task.ext.args2 ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args2 =~ /(-O|--output-fmt)[ =]?cram\b/ ? 'cram' : 'bam'
    """
    touch ${prefix}.${extension}
    ${extension == 'cram' ? "touch ${prefix}.cram.crai" : "touch ${prefix}.bam.bai"}
    touch ${prefix}.markdup.metrics
    touch ${prefix}.stats

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
        bwa: \$(bwa 2>&1 | sed -n 's/^Version: //p')
    END_VERSIONS
    """
}
