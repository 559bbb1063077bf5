//
// G5_CENTRE: the per-centre pipeline for a sample sheet (DESIGN.md section 1,
// workflows/centre.mk): each sample's read groups aligned and streamed into one
// g5 sort --markdup (G5_ALIGN), depth and inferred sex (G5_COVERAGE), and the
// sample's gVCF called with that sex (G5_CALL; --gvcf from ./nextflow.config).
//
// Sample sheet: CSV with a header line; columns sample, fastq_1, fastq_2 (empty
// for single-end reads), and optionally read_group, library, platform.  One row
// per read group; a sample's rows are aligned into one BAM.
//

include { G5_ALIGN    } from '../../../modules/g5/align/main'
include { G5_COVERAGE } from '../../../modules/g5/coverage/main'
include { G5_CALL     } from '../../../modules/g5/call/main'

workflow G5_CENTRE {

    take:
    ch_samplesheet // channel: path(samplesheet.csv), or its text
    ch_index       // channel: [ val(meta), path(index) ]            BWA index (value channel)
    ch_fasta       // channel: [ val(meta), path(fasta), path(fai) ] reference (value channel)
    ch_regions     // channel: [ val(meta), path(bed) ]              targets, or [ [:], [] ] for the genome
    ch_ploidy      // channel: [ val(meta), path(ploidy) ]           ploidy file, or [ [:], [] ] for diploid

    main:
    ch_versions = Channel.empty()

    //
    // Rows to one [ meta, reads ] per sample, read groups in the sheet's order
    //
    ch_reads = ch_samplesheet
        .splitCsv(header: true, strip: true)
        .map { row ->
            if (!row.sample || !row.fastq_1) error "G5_CENTRE: sample sheet row without sample or fastq_1: ${row}"
            [ row.sample, row ]
        }
        .groupTuple()
        .map { sample, rows ->
            def single = rows.every { !it.fastq_2 }
            if (!single && rows.any { !it.fastq_2 }) error "G5_CENTRE: ${sample}: single-end and paired-end rows mixed"
            def ids = rows.withIndex().collect { row, i -> row.read_group ?: (rows.size() == 1 ? sample : "${sample}.${i + 1}".toString()) }
            if (ids.toSet().size() != ids.size()) error "G5_CENTRE: ${sample}: read group IDs repeat: ${ids}"
            def meta = [
                id          : sample,
                sample      : sample,
                single_end  : single,
                read_groups : ids,
                libraries   : rows.collect { it.library ?: sample },
                platform    : rows[0].platform ?: 'ILLUMINA'
            ]
            def reads = rows.collectMany { row ->
                single ? [ file(row.fastq_1, checkIfExists: true) ]
                       : [ file(row.fastq_1, checkIfExists: true), file(row.fastq_2, checkIfExists: true) ]
            }
            [ meta, reads ]
        }

    //
    // bwa mem | g5 sort --markdup: BAM (or CRAM) + index, duplication metrics, stats
    //
    G5_ALIGN ( ch_reads, ch_index, ch_fasta.map { meta, fasta, fai -> [ meta, fasta ] } )
    ch_versions = ch_versions.mix(G5_ALIGN.out.versions.first())

    ch_alignments = G5_ALIGN.out.bam.mix(G5_ALIGN.out.cram)
        .join(G5_ALIGN.out.bai.mix(G5_ALIGN.out.crai), failOnDuplicate: true, failOnMismatch: true)

    //
    // Depth (mosdepth's files), per target region when there are targets, and sex
    //
    G5_COVERAGE (
        ch_alignments.combine(ch_regions.map { meta, bed -> [ bed ] }),
        ch_fasta.map { meta, fasta, fai -> [ meta, fasta ] }
    )
    ch_versions = ch_versions.mix(G5_COVERAGE.out.versions.first())

    //
    // The sample's gVCF, X and Y called with the inferred sex
    //
    G5_CALL (
        ch_alignments.join(G5_COVERAGE.out.sex, failOnDuplicate: true, failOnMismatch: true),
        ch_fasta,
        ch_regions,
        ch_ploidy
    )
    ch_versions = ch_versions.mix(G5_CALL.out.versions.first())

    emit:
    bam         = G5_ALIGN.out.bam             // channel: [ val(meta), path(bam) ]
    bai         = G5_ALIGN.out.bai             // channel: [ val(meta), path(bai) ]
    cram        = G5_ALIGN.out.cram            // channel: [ val(meta), path(cram) ]
    crai        = G5_ALIGN.out.crai            // channel: [ val(meta), path(crai) ]
    metrics     = G5_ALIGN.out.metrics         // channel: [ val(meta), path(markdup.metrics) ]
    stats       = G5_ALIGN.out.stats           // channel: [ val(meta), path(stats) ]
    summary_txt = G5_COVERAGE.out.summary_txt  // channel: [ val(meta), path(mosdepth.summary.txt) ]
    global_txt  = G5_COVERAGE.out.global_txt   // channel: [ val(meta), path(mosdepth.global.dist.txt) ]
    regions_bed = G5_COVERAGE.out.regions_bed  // channel: [ val(meta), path(regions.bed.gz) ]
    sex         = G5_COVERAGE.out.sex          // channel: [ val(meta), path(sex.tsv) ]
    coverage_mqc = G5_COVERAGE.out.mqc         // channel: [ val(meta), path(g5cov_mqc.tsv) ]
    gvcf        = G5_CALL.out.vcf              // channel: [ val(meta), path(g.vcf.gz) ]
    gvcf_tbi    = G5_CALL.out.tbi              // channel: [ val(meta), path(g.vcf.gz.tbi) ]
    versions    = ch_versions                  // channel: [ path(versions.yml) ]
}
